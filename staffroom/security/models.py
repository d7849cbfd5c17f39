"""Security events (an append-only, per-business hash chain), sign-in guards, second factors, sessions, requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, BusinessScopedManager


class ChainHead(models.Model):
    """The last link of one chain, locked while appending so concurrent writers never fork the chain.

    `chain_key` is the business id, or "platform" for events that belong to no business.
    """

    chain_key = models.CharField(max_length=32, unique=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain {self.chain_key} at {self.last_sequence}"


class SecurityEvent(models.Model):
    business = models.ForeignKey("tenancy.Business", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    chain_key = models.CharField(max_length=32)
    sequence = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    event_type = models.CharField(_("event"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16, default="success")
    actor = models.ForeignKey(
        "staff.Employee",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        "identity.Person",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    branch = models.ForeignKey(
        "tenancy.Branch",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    device = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    # Scoped like every business-owned model; platform events (no business) are read with .unscoped().
    objects = BusinessScopedManager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["chain_key", "sequence"], name="security_event_sequence_unique"),
        ]
        indexes = [
            models.Index(fields=["business", "-sequence"], name="secevent_business_seq"),
            models.Index(fields=["business", "branch", "-sequence"], name="secevent_business_branch_seq"),
            models.Index(fields=["business", "occurred_at"], name="secevent_business_time"),
            models.Index(
                fields=["business", "object_type", "object_id", "-sequence"], name="secevent_business_obj_seq"
            ),
            models.Index(fields=["business", "event_type", "-sequence"], name="secevent_business_type_seq"),
            models.Index(fields=["business", "actor", "-sequence"], name="secevent_business_actor_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence}"


class TwoFactorRequirement(BusinessOwnedModel):
    """The business requires a second factor from every employee holding `role` (set by the owner)."""

    role = models.ForeignKey("staff.Role", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "role"], name="two_factor_requirement_role_unique"),
        ]

    def __str__(self) -> str:
        return f"2FA required for {self.role}"


class SignInGuard(models.Model):
    """The one per-account failure budget (password and every second-factor step) and the last TOTP step used.

    Locked with SELECT … FOR UPDATE around every attempt, so parallel guesses are counted one by one.
    """

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_guard")
    consecutive_failures = models.PositiveIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    last_totp_step = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"guard of {self.person_id}: {self.consecutive_failures} failures"


class EmailSignInCode(models.Model):
    """A one-time sign-in code sent by e-mail: stored hashed, bound to one sign-in attempt, single use."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempt_id = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "attempt_id"], name="emailcode_person_attempt")]

    def __str__(self) -> str:
        return f"e-mail code of {self.person_id}"


class RecoveryCode(models.Model):
    """One recovery code of a person: only a keyed hash is kept, used once; a new batch replaces the old one."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    batch = models.UUIDField()
    code_hash = models.CharField(max_length=64)
    generated_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code_hash"], name="recovery_code_unique")]
        indexes = [models.Index(fields=["person", "used_at"], name="recovery_code_person_used")]

    def __str__(self) -> str:
        return f"recovery code of {self.person_id}"


class CompletedSignInAttempt(models.Model):
    """A sign-in attempt whose second factor was passed: its challenge cannot be used again."""

    attempt_id = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"completed attempt of {self.person_id}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")
    CANCELLED = "cancelled", _("cancelled")


class SignInApproval(models.Model):
    """Push approval: the person's signed-in devices are asked to pick the number shown on the new device."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    attempt_id = models.CharField(max_length=64)
    numbers = models.JSONField()
    correct_number = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    device = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "status", "expires_at"], name="approval_person_status")]

    def __str__(self) -> str:
        return f"approval {self.pk} ({self.status})"


class SignedInSession(models.Model):
    """One signed-in browser session (web) of a person; the session key is kept only as a hash."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key_hash = models.CharField(max_length=64, unique=True)
    business_id = models.BigIntegerField(null=True, blank=True)  # last business chosen in this session
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    device = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "ended_at"], name="session_person_ended")]

    def __str__(self) -> str:
        return f"session of {self.person_id} on {self.device or '?'}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class KnownDevice(models.Model):
    """A browser the person has completed sign-in on (a long-lived cookie); a new one triggers a notice."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    device_key_hash = models.CharField(max_length=64)
    device = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "device_key_hash"], name="known_device_unique"),
        ]

    def __str__(self) -> str:
        return f"device of {self.person_id}: {self.device}"


class RequestRecord(BusinessOwnedModel):
    """One authenticated request (request history), written after the response in batches."""

    employee = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    occurred_at = models.DateTimeField()
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["business", "employee", "-occurred_at"], name="request_business_employee_time"),
            models.Index(fields=["occurred_at"], name="request_time"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
