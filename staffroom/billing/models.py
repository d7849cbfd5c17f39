"""Plans (platform catalogue), subscriptions, the append-only seat ledger, invoices and realized savings."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.labels import builtin_name
from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.money import CURRENCY_CHOICES, MoneyField

from .calculations import LedgerState, PriceTerms, paid_through

# The platform's own plans: their stored names follow the reader's language until someone renames them.
BUILTIN_PLAN_NAMES = {
    "start": pgettext_lazy("billing plan", "Start"),
    "standard": pgettext_lazy("billing plan", "Standard"),
    "business": pgettext_lazy("billing plan", "Business"),
}


def _percent_field(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=Decimal(0))


class Plan(TimestampedModel):
    """One version of a plan. A revision is a new row (version + 1); subscriptions take it from their next term."""

    code = models.SlugField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="RUB")
    base_price = MoneyField(verbose_name=_("base monthly price"))
    free_seats = models.PositiveIntegerField(_("free seats"), default=0)
    seat_price = MoneyField(verbose_name=_("monthly price per extra seat"))
    discount_1 = _percent_field(_("discount for 1 month, %"))
    discount_3 = _percent_field(_("discount for 3 months, %"))
    discount_6 = _percent_field(_("discount for 6 months, %"))
    discount_12 = _percent_field(_("discount for 12 months, %"))
    seat_removal_extends_term = models.BooleanField(_("removing a seat extends the term"), default=True)
    grace_days = models.PositiveIntegerField(_("grace days"), default=14)
    trial_days = models.PositiveIntegerField(_("trial days"), default=14)
    is_offered = models.BooleanField(_("offered to businesses"), default=True)
    # A revision announced ahead: terms starting before this date keep the previous version (empty: at once).
    effective_from = models.DateField(_("effective from"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="plan_version_unique"),
            models.CheckConstraint(condition=models.Q(base_price__gt=0), name="plan_base_price_positive"),
            models.CheckConstraint(condition=models.Q(seat_price__gte=0), name="plan_seat_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (v{self.version})"

    @property
    def display_name(self) -> str:
        """A built-in plan's name in the reader's language; a name someone typed is shown as entered."""
        return builtin_name(self.name, BUILTIN_PLAN_NAMES.get(self.code))

    def clean(self) -> None:
        # SECURITY.md 38: a discount outside 0-100 % would make a negative price at the next invoice.
        from django.core.exceptions import ValidationError

        from staffroom.core.validators import errors_of, validate_not_negative, validate_percent

        checks = {f"discount_{months}": (validate_percent, self.discount_for(months)) for months in (1, 3, 6, 12)}
        checks["seat_price"] = (validate_not_negative, self.seat_price)
        errors = errors_of(checks)
        if self.base_price is not None and self.base_price <= 0:
            errors.setdefault("base_price", []).append(_("Enter a price above zero."))
        if errors:
            raise ValidationError(errors)

    @property
    def price_terms(self) -> PriceTerms:
        return PriceTerms(
            base_price=self.base_price, free_seats=self.free_seats, seat_price=self.seat_price, currency=self.currency
        )

    def discount_for(self, months: int) -> Decimal:
        return getattr(self, f"discount_{months}")


class SubscriptionStatus(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active")
    GRACE = "grace", _("Grace period")
    READ_ONLY = "read_only", _("Read-only")


class TermMonths(models.IntegerChoices):
    ONE = 1, _("1 month")
    THREE = 3, _("3 months")
    SIX = 6, _("6 months")
    TWELVE = 12, _("12 months")


class Subscription(BusinessOwnedModel, TimestampedModel):
    """One per business. The ledger fields are written only by billing services, from ledger events."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    term_months = models.PositiveSmallIntegerField(_("term"), choices=TermMonths.choices, default=1)
    next_plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan from the next term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_term_months = models.PositiveSmallIntegerField(
        _("term from the next term"), choices=TermMonths.choices, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.TRIAL
    )
    term_start = models.DateField(_("term start"))
    customer_legal_name = models.CharField(_("legal name on invoices"), max_length=200, blank=True)
    customer_details = models.TextField(_("legal details on invoices"), max_length=1000, blank=True)
    # The day of the month terms end on (31 for a term started on Jan 31: Feb 28, then Mar 31, Apr 30, ...).
    anchor_day = models.PositiveSmallIntegerField(_("anchor day"), null=True, blank=True, editable=False)
    # The exclusive end of the prepaid value (the first unpaid day); people are shown `paid_through`.
    paid_until = models.DateField(_("paid until"), editable=False)
    billable_count = models.PositiveIntegerField(_("billable employees"), default=0, editable=False)
    ledger_version = models.PositiveIntegerField(default=0, editable=False)
    # The exact prepaid value W (a fraction, stored as "numerator/denominator"), its date L and price M.
    ledger_value = models.CharField(max_length=200, blank=True, editable=False)
    ledger_since = models.DateField(null=True, blank=True, editable=False)
    ledger_monthly_price = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["business_id"]
        constraints = [models.UniqueConstraint(fields=["business"], name="subscription_one_per_business")]
        indexes = [models.Index(fields=["status", "paid_until"], name="subscription_status_due")]

    def __str__(self) -> str:
        return f"{self.business} — {self.plan}"

    @property
    def ledger_state(self) -> LedgerState | None:
        if not self.ledger_value or self.ledger_since is None:
            return None
        return LedgerState(
            value=Fraction(self.ledger_value),
            since=self.ledger_since,
            monthly_price=Fraction(self.ledger_monthly_price),
        )

    def store_ledger_state(self, state: LedgerState | None) -> None:
        if state is None:
            self.ledger_value, self.ledger_since, self.ledger_monthly_price = "", None, ""
            return
        self.ledger_value = str(state.value)
        self.ledger_since = state.since
        self.ledger_monthly_price = str(state.monthly_price)
        self.paid_until = state.paid_until

    @property
    def paid_through(self):
        """The last paid day, inclusive: what every page, API field and e-mail shows."""
        return paid_through(self.paid_until)

    @property
    def renewal_plan(self) -> Plan:
        return self.next_plan or self.plan

    @property
    def renewal_months(self) -> int:
        return self.next_term_months or self.term_months

    @property
    def is_read_only(self) -> bool:
        return self.status == SubscriptionStatus.READ_ONLY


class LedgerEventKind(models.TextChoices):
    TRIAL_STARTED = "trial_started", _("Trial started")
    PURCHASED = "purchased", _("Term purchased")
    RENEWED = "renewed", _("Term renewed")
    SEATS_CHANGED = "seats_changed", _("Billable employees changed")


CAUSE_LABELS = {
    "employee.created": _("Employee added"),
    "employee.updated": _("Employee changed"),
    "employee.role_changed": _("Role changed"),
    "employee.blocked": _("Employee blocked"),
    "employee.unblocked": _("Employee unblocked"),
    "role.permissions_changed": _("Role permissions changed"),
    "recount": _("Recount by the operator"),
    "count at term start": _("Employees at the start of the term"),
    "subscription.trial_started": _("Trial started"),
}

INVOICE_CAUSE_PREFIX = "invoice "


class SeatLedgerEvent(BusinessOwnedModel):
    """Append-only: every change of the billable count or prepaid value, with what caused it."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="ledger_events")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=LedgerEventKind.choices)
    effective_date = models.DateField(_("effective (local date)"))
    billable_before = models.PositiveIntegerField()
    billable_after = models.PositiveIntegerField()
    paid_seats_before = models.PositiveIntegerField()
    paid_seats_after = models.PositiveIntegerField()
    monthly_price_before = MoneyField()
    monthly_price_after = MoneyField()
    paid_until_before = models.DateField(null=True, blank=True)
    paid_until_after = models.DateField()
    value_after = models.CharField(max_length=200, blank=True)
    employee = models.ForeignKey("staff.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    employee_label = models.CharField(max_length=200, blank=True)
    cause = models.CharField(_("cause"), max_length=64)
    actor_label = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seat ledger event")
        verbose_name_plural = _("seat ledger events")
        ordering = ["subscription_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "version"], name="ledger_event_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date}: {self.billable_before} → {self.billable_after}"

    @property
    def paid_through_before(self):
        return paid_through(self.paid_until_before) if self.paid_until_before else None

    @property
    def paid_through_after(self):
        return paid_through(self.paid_until_after)

    @property
    def cause_label(self) -> str:
        if self.cause.startswith(INVOICE_CAUSE_PREFIX):
            # A payment's cause is stored as "invoice <number>"; the word follows the reader's language.
            return _("Invoice %(number)s") % {"number": self.cause.removeprefix(INVOICE_CAUSE_PREFIX)}
        return str(CAUSE_LABELS.get(self.cause, self.cause))


class InvoiceKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    RENEWAL = "renewal", _("Renewal")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting payment")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


class Invoice(BusinessOwnedModel, TimestampedModel):
    """A purchase or renewal of k months; one per subscription and term start (the idempotency key)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=32, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=InvoiceKind.choices)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    term_months = models.PositiveSmallIntegerField(_("term"), choices=TermMonths.choices)
    billable_count = models.PositiveIntegerField(_("billable employees"))
    paid_seats = models.PositiveIntegerField(_("paid seats"))
    base_price = MoneyField(verbose_name=_("base monthly price"))
    seat_price = MoneyField(verbose_name=_("monthly price per seat"))
    discount_percent = models.DecimalField(_("discount, %"), max_digits=5, decimal_places=2)
    base_line = MoneyField(verbose_name=_("base"))
    seats_line = MoneyField(verbose_name=_("extra seats"))
    total = MoneyField(verbose_name=_("total"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    issued_on = models.DateField(_("issued on"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=32, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    paid_by_label = models.CharField(_("marked paid by"), max_length=200, blank=True)
    # A paid renewal opens its term when the current prepaid value runs out (billing_run or payment).
    is_applied = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-term_start", "-id"]
        constraints = [
            # Void invoices step aside so a corrected one can be issued for the same term start.
            models.UniqueConstraint(
                fields=["subscription", "term_start"],
                condition=~models.Q(status="void"),
                name="invoice_one_per_subscription_term",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def term_through(self):
        """The term's last day, inclusive (`term_end` is the exclusive end, the next term's first day)."""
        return paid_through(self.term_end)


class SavingKind(models.TextChoices):
    ADVISOR = "advisor", _("Made free on the advisor's advice")
    MADE_FREE = "made_free", _("Made free by hand")
    BLOCKED = "blocked", _("Employee blocked")
    LONGER_TERM = "longer_term", _("Longer prepaid term")
    CHEAPER_PLAN = "cheaper_plan", _("Cheaper plan")


class RealizedSaving(BusinessOwnedModel):
    """An action that lowered the bill, and what it saves per month (the savings center)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="realized_savings")
    kind = models.CharField(_("kind"), max_length=16, choices=SavingKind.choices, default=SavingKind.ADVISOR)
    employee = models.ForeignKey("staff.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    employee_label = models.CharField(max_length=200, blank=True)
    monthly_saving = MoneyField(verbose_name=_("monthly saving"))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    actor_label = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("realized saving")
        verbose_name_plural = _("realized savings")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.employee_label}: {self.monthly_saving} {self.currency}"


class NoticeKind(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    PAYMENT_RECEIVED = "payment_received", _("Payment received")
    RENEWAL_COMING = "renewal_coming", _("Renewal coming")
    GRACE_STARTED = "grace_started", _("Grace period started")
    READ_ONLY = "read_only", _("Read-only mode")
    PRICE_CHANGE = "price_change", _("Plan price change")


class BillingNotice(BusinessOwnedModel):
    """One e-mail the platform owes a business about its bill; (business, kind, key) makes each event mail once."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices)
    # What the event is about: an invoice number, a paid-through date, a plan version.
    key = models.CharField(max_length=64)
    invoice = models.ForeignKey("Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("billing notice")
        verbose_name_plural = _("billing notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "kind", "key"], name="billing_notice_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
