"""Pay schemes built from rules, their assignment to employees or roles, payroll runs, payslips and their lines."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.money import MoneyField

from .choices import KpiMetric, RuleKind, RunStatus
from .labels import line_explanation


class PayScheme(BusinessOwnedModel, TimestampedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pay scheme")
        verbose_name_plural = _("pay schemes")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="pay_scheme_name_unique_in_business"),
        ]

    def __str__(self) -> str:
        return self.name


class PayRule(BusinessOwnedModel):
    """One rule of a scheme. Which fields matter depends on the kind (see payroll.calculations)."""

    scheme = models.ForeignKey(PayScheme, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=32, choices=RuleKind.choices)
    amount = MoneyField(verbose_name=_("amount"), default=0)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, default=0)
    category = models.ForeignKey(
        "catalog.ServiceCategory",
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    only_arrived = models.BooleanField(_("only visits that arrived"), default=False)
    metric = models.CharField(_("KPI"), max_length=32, choices=KpiMetric.choices, blank=True)
    # [{"threshold": "100", "amount": "3000", "percent": "0"}, ...] — a bonus may have several steps.
    tiers = models.JSONField(_("tiers"), default=list, blank=True)

    class Meta:
        verbose_name = _("pay rule")
        verbose_name_plural = _("pay rules")
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, percent__gte=0, percent__lte=100), name="pay_rule_figures_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.get_kind_display()}"


class PaySchemeAssignment(BusinessOwnedModel):
    """A scheme applies to one employee, or to everyone of a role, from a date (until a date, if given).
    An employee's own assignment wins over their role's."""

    scheme = models.ForeignKey(PayScheme, on_delete=models.CASCADE, related_name="assignments")
    employee = models.ForeignKey(
        "staff.Employee", on_delete=models.CASCADE, null=True, blank=True, related_name="pay_assignments"
    )
    role = models.ForeignKey("staff.Role", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("pay scheme assignment")
        verbose_name_plural = _("pay scheme assignments")
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=False, role__isnull=True)
                | models.Q(employee__isnull=True, role__isnull=False),
                name="pay_scheme_assignment_employee_or_role",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="pay_scheme_assignment_valid_until_after_from",
            ),
        ]


class PayrollRun(BusinessOwnedModel, TimestampedModel):
    """Payroll of a period for the staff of a branch (or of the whole business). Approval locks its payslips."""

    branch = models.ForeignKey(
        "tenancy.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.DRAFT)
    total = MoneyField(verbose_name=_("total"), default=0)
    created_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="+")
    calculated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="payroll_run_period_in_order"
            ),
            models.UniqueConstraint(
                fields=["business", "branch", "period_start"],
                condition=models.Q(branch__isnull=False),
                name="payroll_run_one_per_branch_and_period",
            ),
            models.UniqueConstraint(
                fields=["business", "period_start"],
                condition=models.Q(branch__isnull=True),
                name="payroll_run_one_per_business_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"

    @property
    def is_approved(self) -> bool:
        return self.status == RunStatus.APPROVED


class Payslip(BusinessOwnedModel):
    """One employee's pay for a run's period. An employee has at most one payslip per period, whichever run."""

    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="payslips")
    employee = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="payslips")
    period_start = models.DateField()
    period_end = models.DateField()
    scheme_name = models.CharField(max_length=120, blank=True)
    total = MoneyField(verbose_name=_("total"), default=0)

    class Meta:
        verbose_name = _("payslip")
        verbose_name_plural = _("payslips")
        ordering = ["run", "employee__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "employee", "period_start"], name="payslip_one_per_employee_and_period"
            ),
        ]
        indexes = [models.Index(fields=["business", "employee", "period_start"], name="payslip_employee_period")]

    def __str__(self) -> str:
        return f"{self.employee} · {self.period_start:%Y-%m-%d}"


class PayslipLine(BusinessOwnedModel):
    """A line: rule, base figure, rate, amount and the words that explain it. A correction line pays the
    difference for an earlier approved period (`for_period_*`), so approved payslips are never edited."""

    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    rule = models.ForeignKey(PayRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    rule_key = models.CharField(max_length=40)
    kind = models.CharField(_("kind"), max_length=32, choices=RuleKind.choices)
    is_correction = models.BooleanField(_("correction"), default=False)
    for_period_start = models.DateField()
    for_period_end = models.DateField()
    base = models.DecimalField(_("base"), max_digits=16, decimal_places=2, default=0)
    rate = models.DecimalField(_("rate"), max_digits=14, decimal_places=2, default=0)
    amount = MoneyField(verbose_name=_("amount"))
    # The sentence in the source language; pages, the API and exports write it from the code and its parameters
    # in the reader's language (staffroom.payroll.labels). Lines written before the code keep only the sentence.
    explanation = models.TextField(_("explanation"))
    message = models.CharField(max_length=40, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    category_ids = models.JSONField(default=list, blank=True)
    metric = models.CharField(max_length=32, blank=True)
    # The rule as it was applied, so a later correction recomputes the period with the same rule.
    rule_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("payslip line")
        verbose_name_plural = _("payslip lines")
        ordering = ["payslip", "position", "id"]
        indexes = [
            models.Index(fields=["business", "for_period_start", "rule_key"], name="payslip_line_period_rule"),
        ]

    def __str__(self) -> str:
        return self.explanation_text[:80]

    @property
    def explanation_text(self) -> str:
        """The explanation in the reader's language."""
        return line_explanation(self)
