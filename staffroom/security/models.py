"""Security events: an append-only, per-business hash chain of critical actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessScopedManager


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
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        "identity.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    branch = models.ForeignKey(
        "tenancy.Branch",
        on_delete=models.SET_NULL,
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
            models.Index(fields=["business", "event_type", "-sequence"], name="secevent_business_type_seq"),
            models.Index(fields=["business", "actor", "-sequence"], name="secevent_business_actor_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence}"
