"""Settings for the test suite: fast hashing, in-memory e-mail, no rate limits outside the tests of them."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MFA_ENCRYPTION_KEY = "test-only-mfa-key"
REQUEST_HISTORY_BATCH_SIZE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live test server speaks plain http
CELERY_BROKER_URL = ""  # tasks run in-process after commit; the worker tests point Celery at Redis themselves
CELERY_TASK_ALWAYS_EAGER = True
WEBHOOKS_ALLOW_LOOPBACK = True  # the tests' receiver listens on 127.0.0.1; a test turns it off to see the refusal
