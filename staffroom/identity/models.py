"""A person (one login: e-mail + password) and the personal API tokens of their employee memberships."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.models import BusinessOwnedModel


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("A person needs an e-mail address")
        person = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A login. Everything else (name at work, role, branches) is per business, on Employee.

    `is_staff` marks platform operators (operator console), never business employees.
    """

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=200, blank=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The language the person chose in the switcher, on every device; empty follows the business's language.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.email


TOKEN_PREFIX = "sr"  # noqa: S105 - a public marker, not a secret
# Platform operators' tokens carry their own prefix: a business route never resolves one, nor an operator route `sr_`.
OPERATOR_TOKEN_PREFIX = "so"  # noqa: S105 - a public marker, not a secret


def hash_token_secret(secret: str) -> str:
    # Secrets are 256-bit random values, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(BusinessOwnedModel):
    """A personal API token of one employee; the business comes from the token, never from the request."""

    employee = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the token's holder last confirmed their password through the API (second-factor changes need it).
    reauthenticated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["business", "employee"], name="apitoken_business_employee")]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.key_id}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return (plain token shown once, key id, secret hash)."""
        return token_generate(TOKEN_PREFIX)


def token_generate(prefix: str) -> tuple[str, str, str]:
    """Return (plain `<prefix>_<key id>_<secret>` shown once, key id, secret hash)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return f"{prefix}_{key_id}_{secret}", key_id, hash_token_secret(secret)


class OperatorToken(models.Model):
    """A platform operator's API token: the operator routes only, never a business's (SECURITY.md 34).

    Hashed at rest like a personal token; it works only while its person is active platform staff with a second
    factor, and its rights are the person's operator-console permissions, read on every request.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="operator_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    reauthenticated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("operator API token")
        verbose_name_plural = _("operator API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({OPERATOR_TOKEN_PREFIX}_{self.key_id}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
