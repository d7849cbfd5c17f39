"""Payments, refunds and allowances. A payment may belong to an appointment, or to another document (an order links to it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel
from staffroom.core.money import MoneyField


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    TRANSFER = "transfer", _("Transfer")
    OTHER = "other", _("Other")


class Payment(BusinessOwnedModel):
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = MoneyField(verbose_name=_("amount"))
    tip_amount = MoneyField(verbose_name=_("tip"), default=0)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    currency = models.CharField(max_length=3)
    processed_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="payments_processed")
    processed_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    refunded_amount = MoneyField(verbose_name=_("refunded"), default=0)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-processed_at", "-id"]
        indexes = [
            models.Index(fields=["business", "branch", "processed_at"], name="payment_branch_day"),
            models.Index(fields=["business", "processed_by", "processed_at"], name="payment_processed_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="payment_idempotency_key_unique_in_business",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=models.Q(tip_amount__gte=0), name="payment_tip_not_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_method_display()})"

    @property
    def refundable_amount(self):
        return self.amount - self.refunded_amount


class Allowance(BusinessOwnedModel):
    """A price reduction granted after the sale without a return (compensation for a defect, a late service),
    with its reason and who granted it. It lowers net sales of the sale it belongs to: a visit here, another
    document (an order) through its own link table. Money paid back for it is a `Refund` pointing at it, which
    reports count as this allowance, not as a return."""

    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, null=True, blank=True, related_name="allowances"
    )
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="allowances"
    )
    amount = MoneyField(verbose_name=_("amount"))
    currency = models.CharField(max_length=3)
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="allowances_granted")
    granted_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(fields=["business", "appointment"], name="allowance_business_appointment"),
            models.Index(fields=["business", "granted_at"], name="allowance_business_granted_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="allowance_idempotency_key_unique_in_business",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allowance_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}: {self.reason[:40]}"


class Refund(BusinessOwnedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    # Money paid back for an allowance (not for goods or a visit returned): reports count it as the allowance.
    allowance = models.ForeignKey(Allowance, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = MoneyField(verbose_name=_("amount"))
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    reason = models.CharField(_("reason"), max_length=300)
    processed_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="refunds_processed")
    processed_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-processed_at", "-id"]
        indexes = [models.Index(fields=["business", "branch", "processed_at"], name="refund_branch_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="refund_idempotency_key_unique_in_business",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
        ]
