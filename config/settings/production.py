"""Settings for production: every secret from the environment, secure cookies, HTTPS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .environment import env, env_bool, env_int

if not env("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
if not env("MFA_ENCRYPTION_KEY"):
    raise ImproperlyConfigured("MFA_ENCRYPTION_KEY must be set in production (keep it out of the database)")

if not env("REDIS_URL"):
    # The request guard's cache (membership, permissions, sessions) is invalidated across processes through the cache
    # itself: with the per-process LocMemCache a blocked employee could go on in another worker (SECURITY.md 12, 17).
    raise ImproperlyConfigured("REDIS_URL must be set in production (a cache shared by every web process)")
if WEBHOOKS_ALLOW_LOOPBACK:  # noqa: F405
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_LOOPBACK must not be set in production (SECURITY.md 37)")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Persistent connections with a health check before reuse (a restarted database costs one failed request, not all).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT if LOG_FORMAT in ("text", "json") else "json"  # noqa: F405
