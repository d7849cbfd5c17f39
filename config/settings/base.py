"""Settings shared by every environment; each value that varies comes from the environment."""

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR, env, env_bool, env_int, env_list

VAR_DIR = BASE_DIR / "var"


def _local_secret_key() -> str:
    """A per-checkout key kept under var/ so a fresh `make run` needs no configuration."""
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
# Old keys still accepted for signatures while rotating (docs/operator-guide.md, "Rotating keys").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "django_celery_beat",
    "django_htmx",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "staffroom.core",
    "staffroom.runtime",
    "staffroom.tenancy",
    "staffroom.identity",
    "staffroom.staff",
    "staffroom.security",
    "staffroom.exports",
    "staffroom.clients",
    "staffroom.catalog",
    "staffroom.scheduling",
    "staffroom.payments",
    "staffroom.orders",
    "staffroom.reports",
    "staffroom.payroll",
    "staffroom.billing",
    "staffroom.support",
    "staffroom.booking",
    "staffroom.webhooks",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "staffroom.core.middleware.RequestContextMiddleware",
    "staffroom.tenancy.middleware.CurrentBusinessMiddleware",
    "staffroom.security.middleware.SecurityMiddleware",
    "staffroom.billing.middleware.ReadOnlyBusinessMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The formatting layer's filters (money, date_short, phone, ...) in every template without a {% load %}.
            "builtins": ["staffroom.core.templatetags.formatting"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staffroom.staff.context_processors.permissions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'staffroom.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing midway.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.Person"
AUTHENTICATION_BACKENDS = ["staffroom.identity.adapters.StaffroomAuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "tenancy:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, closed sign-up (businesses create their employees), no enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "staffroom.identity.adapters.StaffroomAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}

# Sessions: absolute lifetime on the cookie, idle timeout enforced server-side by the session middleware.
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 3600)
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 2 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("hu", _("Hungarian")),
    ("uk", _("Ukrainian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT") or VAR_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it; `collectstatic` fills it for production
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Staffroom <no-reply@staffroom.invalid>")

# The request guard caches membership, role permissions, the 2FA policy and session records here (staffroom.core.cache),
# invalidated by version bumps that every process must see: LocMemCache is per process, so only for one process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", "")

# Key for encrypting second-factor secrets at rest; never stored in the database.
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY") or SECRET_KEY

STAFFROOM_PLATFORM_NAME = env("STAFFROOM_PLATFORM_NAME", "Staffroom")
# Billing: where links in billing e-mails point, and the seller's legal details printed on invoice PDFs.
BILLING_SITE_URL = env("BILLING_SITE_URL", "http://localhost:8000").rstrip("/")
BILLING_SELLER_NAME = env("BILLING_SELLER_NAME", "Staffroom platform operator")
BILLING_SELLER_DETAILS = env("BILLING_SELLER_DETAILS", "").replace("\\n", "\n")
# Days before the paid-through date that the "renewal coming" e-mail goes out.
BILLING_RENEWAL_REMINDER_DAYS = env_int("BILLING_RENEWAL_REMINDER_DAYS", 7)

# The language of `make demo`'s business (one of LANGUAGES): its names, currency and time zone follow it.
DEMO_LANGUAGE = env("DEMO_LANGUAGE", "en")

# Support desk: attachment limits, and how far ahead (real hours) the console's "breaching soon" queue looks.
SUPPORT_ATTACHMENT_MAX_BYTES = env_int("SUPPORT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
SUPPORT_ATTACHMENTS_PER_MESSAGE = env_int("SUPPORT_ATTACHMENTS_PER_MESSAGE", 5)
SUPPORT_ATTACHMENT_EXTENSIONS = env_list("SUPPORT_ATTACHMENT_EXTENSIONS", "png,jpg,jpeg,gif,pdf,txt,log,csv")
SUPPORT_BREACHING_SOON_HOURS = env_int("SUPPORT_BREACHING_SOON_HOURS", 2)
# The "breaching soon" queue counts working hours; the database search looks this many real days ahead.
SUPPORT_BREACHING_SOON_SEARCH_DAYS = env_int("SUPPORT_BREACHING_SOON_SEARCH_DAYS", 31)
# Strikes count per customer contact across tickets, within this many days.
SUPPORT_STRIKE_WINDOW_DAYS = env_int("SUPPORT_STRIKE_WINDOW_DAYS", 90)

# Online booking (staffroom.booking): the address clients' links point at, SMS sending, public rate limit.
STAFFROOM_PUBLIC_URL = env("STAFFROOM_PUBLIC_URL", "http://127.0.0.1:8000")
SMS_BACKEND = env("SMS_BACKEND", "staffroom.booking.sms.LoggingSmsBackend")
SMS_RU_API_ID = env("SMS_RU_API_ID")
SMS_SENDER = env("SMS_SENDER")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10)
BOOKING_PUBLIC_REQUESTS_PER_MINUTE = env_int("BOOKING_PUBLIC_REQUESTS_PER_MINUTE", 60)

# Logs: every line carries request_id, business_id and employee_id; secrets are masked. LOG_FORMAT=json in
# production (one JSON object a line, for a log shipper), text elsewhere.
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "staffroom.runtime.logging.RequestContextFilter"},
        "redact_secrets": {"()": "staffroom.runtime.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s business=%(business_id)s "
            "employee=%(employee_id)s] %(message)s"
        },
        "json": {
            "()": "staffroom.runtime.logging.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(business_id)s %(employee_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("text", "json") else "text",
            "filters": ["request_context", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Security (SECURITY.md): allauth MFA with our adapter (secrets encrypted with MFA_ENCRYPTION_KEY) and our stage.
MFA_ADAPTER = "staffroom.identity.adapters.StaffroomMFAAdapter"
# Recovery codes are our own (staffroom.security.recovery): hashed, shown once, single use.
MFA_SUPPORTED_TYPES = ["totp", "webauthn"]
# Passkeys need HTTPS; only a development server on plain http may skip the origin check.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
MFA_TOTP_TOLERANCE = 1
MFA_ALLOW_UNVERIFIED_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("REAUTHENTICATION_TIMEOUT_SECONDS", 300)
SIGN_IN_FAILURE_HARD_CAP = env_int("SIGN_IN_FAILURE_HARD_CAP", 50)
SIGN_IN_EMAIL_CODE_SECONDS = 600
SIGN_IN_APPROVAL_SECONDS = 600
REQUEST_HISTORY_RETENTION_DAYS = env_int("REQUEST_HISTORY_RETENTION_DAYS", 90)
REQUEST_HISTORY_BATCH_SIZE = env_int("REQUEST_HISTORY_BATCH_SIZE", 50)

# Background work (docs/decisions/0011-runtime-celery-beat-health-metrics.md). With no broker the tasks run in-process
# after commit (`make run`); production sets CELERY_BROKER_URL (Redis).
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The schedule is the app's (installed into django-celery-beat's tables when beat starts; operators may pause a job
# in the console). Times are UTC; the billing run fires hourly and bills each time zone at its local morning.
CELERY_BEAT_SCHEDULE = {
    "billing-run-local-morning": {"task": "billing.run_local_morning", "schedule": crontab(minute=5)},
    "support-sla-sweep": {"task": "support.sla_sweep", "schedule": crontab(minute="*/5")},
    "orders-task-reminders": {"task": "orders.task_reminders", "schedule": crontab(minute="*")},
    "booking-send-reminders": {"task": "booking.send_reminders", "schedule": crontab(minute="*/5")},
    "security-purge-requests": {"task": "security.purge_requests", "schedule": crontab(hour=2, minute=30)},
    "runtime-purge-outbox": {"task": "runtime.purge_outbox", "schedule": crontab(hour=2, minute=45)},
    "exports-purge-expired": {"task": "exports.purge_expired", "schedule": crontab(hour=3, minute=0)},
}
# The local hour at which each business's billing run happens.
BILLING_RUN_LOCAL_HOUR = env_int("BILLING_RUN_LOCAL_HOUR", 6)
OUTBOUND_EMAIL_RETENTION_DAYS = env_int("OUTBOUND_EMAIL_RETENTION_DAYS", 30)
# Exports with at least this many rows are built by a background task and listed under Exports (0: every export);
# their files are deleted after EXPORT_RETENTION_DAYS (docs/decisions/0021-exports-in-the-background.md).
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 2000)
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# /metrics answers a scraper presenting this bearer token (or platform staff signed in); empty: staff only.
METRICS_TOKEN = env("METRICS_TOKEN")
PROMETHEUS_EXPORT_MIGRATIONS = False

# Outgoing webhooks (SECURITY.md 37): https to public addresses only. WEBHOOKS_ALLOW_LOOPBACK accepts http:// and
# loopback receivers, for development and tests only; production refuses to start with it.
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
