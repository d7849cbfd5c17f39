"""Support desk data: calendars, plans and SLA rules (platform), agents, and each business's tickets."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.validators import validate_holiday_country as validate_holiday_settings
from staffroom.tenancy.models import validate_time_zone

from .calculations import WorkingCalendar, is_known_holiday_country


class SupportPlan(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", pgettext_lazy("support plan", "Paid")
    INDIVIDUAL = "individual", _("Individual support manager")


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    BUG = "bug", _("Bug")
    ENHANCEMENT = "enhancement", _("Enhancement")
    TRAINING = "training", _("Training of your employee")


# Ticket types run as a paid piece of work: request → (specification) → estimate → accepted → in progress →
# delivered for the customer's acceptance.
WORK_TYPES = (TicketType.ENHANCEMENT, TicketType.TRAINING)


class WorkStage(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SPECIFIED = "specified", _("Specification written")
    ESTIMATED = "estimated", _("Estimate posted")
    DECLINED = "declined", _("Estimate declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("work stage", "In progress")
    DELIVERED = "delivered", _("Delivered for acceptance")
    ACCEPTED = "accepted", _("Delivery accepted")


class TrainingLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    CONFIDENT = "confident", _("Confident user")
    ADVANCED = "advanced", _("Advanced")


class CandidateSource(models.TextChoices):
    OWN_STAFF = "own_staff", _("One of our employees")
    NEW_HIRE = "new_hire", _("A new hire we choose")
    VENDOR_SEARCH = "vendor_search", _("Found by Staffroom")


class TicketPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The SLA clock runs only in these statuses; waiting for the customer pauses it, resolving stops it.
RUNNING_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS)
OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_FOR_CUSTOMER)


class SlaTarget(models.TextChoices):
    FIRST_REPLY = "first_reply", _("First answer by an agent")
    RESOLUTION = "resolution", _("Resolved")


class AgentRole(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    WARNING = "warning", _("Warning")
    EVENT = "event", _("Event")


# Kinds a business may see; internal notes never leave the support team.
CUSTOMER_VISIBLE_KINDS = (MessageKind.REPLY, MessageKind.WARNING, MessageKind.EVENT)


def _not_a_weight(value) -> bool:
    from decimal import InvalidOperation

    try:
        return Decimal(str(value)) < 0
    except (InvalidOperation, ValueError):
        return True


def default_working_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


def validate_holiday_country(value: str) -> None:
    """A country the holiday data knows (ISO 3166 alpha-2, upper case); otherwise every deadline would fail."""
    if value and not is_known_holiday_country(value):
        raise ValidationError(
            _("%(value)s is not a country the holiday data knows."), params={"value": value}, code="unknown_country"
        )


class SupportCalendar(TimestampedModel):
    """The support team's working time: weekdays, hours, time zone, a country's holidays, custom days."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    country = models.CharField(
        _("public holidays of country"), max_length=2, blank=True, validators=[validate_holiday_country]
    )
    subdivision = models.CharField(_("region for holidays"), max_length=10, blank=True)
    working_weekdays = models.JSONField(_("working weekdays (0 = Monday)"), default=default_working_weekdays)
    day_starts_at = models.TimeField(_("day starts at"), default=dt.time(9, 0))
    day_ends_at = models.TimeField(_("day ends at"), default=dt.time(18, 0))
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("support calendar")
        verbose_name_plural = _("support calendars")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_ends_at__gt=models.F("day_starts_at")), name="support_calendar_day_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="support_calendar_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.subdivision and not self.country:
            raise ValidationError({"subdivision": _("Choose the country of this region first.")})
        if self.country and is_known_holiday_country(self.country):
            # SECURITY.md 38: a region without known holidays would fail every ticket's SLA clock later; the one
            # validator of operator-entered holiday settings checks it.
            validate_holiday_settings(self.country, self.subdivision)
        if not isinstance(self.working_weekdays, list) or any(
            not isinstance(day, int) or not 0 <= day <= 6 for day in self.working_weekdays
        ):
            raise ValidationError({"working_weekdays": _("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")})

    def as_working_calendar(self) -> WorkingCalendar:
        days = list(self.days.all())
        return WorkingCalendar(
            time_zone=self.time_zone,
            working_weekdays=frozenset(int(day) for day in self.working_weekdays),
            day_starts_at=self.day_starts_at,
            day_ends_at=self.day_ends_at,
            country=self.country,
            subdivision=self.subdivision,
            days_off=frozenset(day.date for day in days if not day.is_working_day),
            extra_working_days=frozenset(day.date for day in days if day.is_working_day),
        )


class SupportCalendarDay(models.Model):
    """A custom day off, or an extra working day (wins over weekends and public holidays)."""

    calendar = models.ForeignKey(SupportCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("extra working day"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="support_calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} ({'working' if self.is_working_day else 'off'})"


class SlaRule(models.Model):
    """Which ticket types a plan accepts and their target. No rule = the plan refuses that type."""

    plan = models.CharField(_("plan"), max_length=16, choices=SupportPlan.choices)
    ticket_type = models.CharField(_("ticket type"), max_length=16, choices=TicketType.choices)
    target = models.CharField(_("target"), max_length=16, choices=SlaTarget.choices, default=SlaTarget.RESOLUTION)
    working_hours = models.DecimalField(
        _("working hours"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the deadline is the due date of the estimate the customer accepts."),
    )
    same_day_cutoff = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("Filed on a working day before this time: due no later than the end of that working day."),
    )

    class Meta:
        verbose_name = _("SLA rule")
        verbose_name_plural = _("SLA rules")
        constraints = [models.UniqueConstraint(fields=["plan", "ticket_type"], name="sla_rule_unique_per_plan_type")]

    def __str__(self) -> str:
        return f"{self.get_plan_display()} / {self.get_ticket_type_display()}"


class SupportAgent(TimestampedModel):
    """A platform operator who works the support console (never a business employee)."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_agent")
    role = models.CharField(_("role"), max_length=16, choices=AgentRole.choices, default=AgentRole.AGENT)
    is_active = models.BooleanField(_("active"), default=True)
    phone = models.CharField(_("phone for customers"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("support agent")
        verbose_name_plural = _("support agents")

    def __str__(self) -> str:
        return str(self.person)

    @property
    def is_supervisor(self) -> bool:
        return self.role == AgentRole.SUPERVISOR


class CannedReply(TimestampedModel):
    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ImplementationType(models.TextChoices):
    STANDARD = "standard", _("Standard setup")
    MIGRATION = "migration", _("Migration from another system")
    CUSTOM = "custom", _("Custom integration")


def default_implementation_weights() -> dict[str, str]:
    return {"standard": "10", "migration": "25", "custom": "50"}


class ManagerPricing(TimestampedModel):
    """The operator's coefficients and rate for the individual support manager estimate (one row)."""

    implementation_type_weights = models.JSONField(
        _("implementation type weights"), default=default_implementation_weights
    )
    hour_coefficient = models.DecimalField(_("per hour of active implementation"), max_digits=8, decimal_places=3)
    enhancement_coefficient = models.DecimalField(_("per custom enhancement"), max_digits=8, decimal_places=3)
    user_coefficient = models.DecimalField(_("per active user"), max_digits=8, decimal_places=3)
    rate = models.DecimalField(_("rate per complexity point"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("support manager pricing")
        verbose_name_plural = _("support manager pricing")

    def clean(self) -> None:
        from staffroom.core.validators import errors_of, validate_currency_code, validate_not_negative

        checks = {"currency": (validate_currency_code, self.currency)}
        for name in ("hour_coefficient", "enhancement_coefficient", "user_coefficient", "rate"):
            checks[name] = (validate_not_negative, getattr(self, name))
        errors = errors_of(checks)
        weights = self.implementation_type_weights
        if not isinstance(weights, dict) or any(_not_a_weight(value) for value in weights.values()):
            errors["implementation_type_weights"] = [_("Give each implementation type a number of zero or more.")]
        if errors:
            raise ValidationError(errors)

    def weight_for(self, implementation_type: str) -> Decimal:
        return Decimal(str(self.implementation_type_weights.get(implementation_type, "0")))


class SupportAccount(BusinessOwnedModel, TimestampedModel):
    """A business's support plan, calendar and dedicated manager, set by the operator."""

    plan = models.CharField(_("plan"), max_length=16, choices=SupportPlan.choices, default=SupportPlan.FREE)
    calendar = models.ForeignKey(
        SupportCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, null=True, blank=True
    )
    manager = models.ForeignKey(
        SupportAgent,
        verbose_name=_("individual support manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_accounts",
    )
    implementation_type = models.CharField(
        _("implementation type"), max_length=16, choices=ImplementationType.choices, default=ImplementationType.STANDARD
    )
    implementation_hours = models.DecimalField(
        _("hours of active implementation"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    bugs_only_until = models.DateTimeField(
        _("restricted to bug reports until"),
        null=True,
        blank=True,
        help_text=_("Set by a supervisor's decision on an abuse report."),
    )

    class Meta:
        verbose_name = _("support account")
        verbose_name_plural = _("support accounts")
        constraints = [models.UniqueConstraint(fields=["business"], name="support_account_one_per_business")]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.get_plan_display()}"


def attachment_path(instance, filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted as a path.
    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"support/{instance.business_id}/{uuid.uuid4().hex}.{suffix}"


class Ticket(BusinessOwnedModel, TimestampedModel):
    number = models.PositiveIntegerField(_("number"))
    filed_by = models.ForeignKey(
        "staff.Employee", verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    ticket_type = models.CharField(_("type"), max_length=16, choices=TicketType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    priority = models.CharField(
        _("priority"), max_length=16, choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    status = models.CharField(_("status"), max_length=24, choices=TicketStatus.choices, default=TicketStatus.NEW)
    plan = models.CharField(_("plan when filed"), max_length=16, choices=SupportPlan.choices)
    assignee = models.ForeignKey(
        SupportAgent, verbose_name=_("assignee"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sla_target = models.CharField(_("SLA target"), max_length=16, choices=SlaTarget.choices)
    sla_clock_started_at = models.DateTimeField(_("SLA clock started"))
    sla_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA clock paused"), null=True, blank=True)
    sla_met_at = models.DateTimeField(_("SLA target met"), null=True, blank=True)
    is_breached = models.BooleanField(_("SLA breached"), default=False)
    breached_at = models.DateTimeField(_("breach noticed"), null=True, blank=True)
    first_replied_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_closed_for_abuse = models.BooleanField(_("closed for abuse"), default=False)
    work_stage = models.CharField(_("stage"), max_length=16, choices=WorkStage.choices, blank=True)
    specification = models.TextField(_("specification"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "number"], name="support_ticket_number_unique_in_business"),
        ]
        indexes = [
            models.Index(fields=["business", "status", "-created_at"], name="support_ticket_business_status"),
            # The sweep's search: running clocks not yet breached, by due time.
            models.Index(
                fields=["sla_due_at"],
                condition=Q(
                    is_breached=False,
                    sla_met_at__isnull=True,
                    sla_paused_at__isnull=True,
                    status__in=["new", "in_progress"],
                ),
                name="support_ticket_running_due",
            ),
            models.Index(fields=["assignee", "status"], name="support_ticket_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_work(self) -> bool:
        return self.ticket_type in WORK_TYPES


class TrainingRequest(BusinessOwnedModel):
    """The requirements of a training ticket: whom to train for what, where, and by when."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="training")
    role_to_train = models.CharField(_("role to train"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=TrainingLevel.choices)
    workplace = models.CharField(_("workplace"), max_length=200)
    candidate_source = models.CharField(_("candidate comes from"), max_length=16, choices=CandidateSource.choices)
    deadline = models.DateField(_("trained by"))

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")


class TicketMessage(BusinessOwnedModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices, default=MessageKind.REPLY)
    body = models.TextField(_("message"))
    author_employee = models.ForeignKey(
        "staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_agent = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["business", "ticket", "created_at"], name="support_message_ticket")]

    @property
    def author_label(self) -> str:
        if self.author_agent_id:
            return str(_("Support: %(name)s") % {"name": self.author_agent})
        if self.author_employee_id:
            return self.author_employee.full_name
        return str(_("Staffroom support"))


class TicketAttachment(BusinessOwnedModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]


class TicketEstimate(BusinessOwnedModel):
    """An agent's estimate of an enhancement; the accepted one's due date becomes the deadline."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="estimates")
    effort_hours = models.DecimalField(_("effort in hours"), max_digits=8, decimal_places=2)
    due_date = models.DateField(_("due date"))
    note = models.TextField(_("note"), blank=True)
    posted_by = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        ordering = ["-posted_at", "-id"]


class TicketStrike(BusinessOwnedModel):
    """A warning for abusive contact; kept forever with who and why, lifting included."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="strikes")
    number = models.PositiveSmallIntegerField(_("strike"))
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")
        ordering = ["given_at", "id"]

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AbuseDecision(models.TextChoices):
    LIFT = "lift", _("Lift the strikes and reopen")
    UPHOLD = "uphold", _("Uphold")
    RESTRICT = "restrict", _("Uphold and restrict the account to bug reports")


class AbuseReport(BusinessOwnedModel):
    """Filed to the supervisors by the third strike: the ticket, the conversation and the strikes as they were."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="abuse_reports")
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("ticket, conversation and strikes"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(SupportAgent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=AbuseDecision.choices, blank=True)
    decision_note = models.TextField(_("note to the agent"), blank=True)
    restricted_days = models.PositiveSmallIntegerField(_("days restricted to bug reports"), null=True, blank=True)

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        ordering = ["-filed_at", "-id"]
