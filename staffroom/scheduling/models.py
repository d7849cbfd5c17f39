"""Branch opening hours, specialists' working hours and exceptions, and appointments with their service lines."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, BusinessScopedManager, BusinessScopedQuerySet, TimestampedModel
from staffroom.core.money import MoneyField

from .choices import ACTIVE_STATUSES, AppointmentSource, AppointmentStatus, DiscountKind, ExceptionKind, Weekday


class BranchOpeningHours(BusinessOwnedModel):
    """When a branch is open on a weekday. A weekday without a row: the branch is closed that day."""

    branch = models.ForeignKey("tenancy.Branch", on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("branch opening hours")
        verbose_name_plural = _("branch opening hours")
        ordering = ["branch", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "weekday"], name="branch_opening_hours_one_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="branch_opening_hours_opens_before_close"
            ),
        ]


class WorkingHours(BusinessOwnedModel):
    """One working interval of a specialist in a branch on a weekday; two intervals on a day make a break."""

    specialist = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="working_hours")
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["specialist", "weekday", "starts_at"]
        indexes = [models.Index(fields=["business", "specialist", "weekday"], name="working_hours_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="working_hours_start_before_end"
            ),
        ]


class ScheduleException(BusinessOwnedModel):
    """A date when the weekly pattern does not apply: a day off, or changed hours (one row per interval)."""

    specialist = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="schedule_exceptions")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        ordering = ["specialist", "date", "starts_at"]
        indexes = [models.Index(fields=["business", "specialist", "date"], name="schedule_exception_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=ExceptionKind.DAY_OFF)
                | models.Q(
                    starts_at__isnull=False,
                    ends_at__isnull=False,
                    branch__isnull=False,
                    starts_at__lt=models.F("ends_at"),
                ),
                name="schedule_exception_changed_hours_complete",
            ),
        ]


# The longest visit the services accept (scheduling.services refuses longer ones). A visit that overlaps [start, end)
# therefore started at most this long before `start`: with that lower bound the (business, specialist or branch,
# starts_at) indexes serve every range query, and its cost follows the range, not the business's whole history.
MAX_APPOINTMENT_LENGTH = dt.timedelta(hours=24)


class AppointmentQuerySet(BusinessScopedQuerySet):
    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> "AppointmentQuerySet":
        """The appointments that overlap [starts_at, ends_at). Every calendar range query goes through here: the
        lower bound on `starts_at` (the longest visit before the range) makes it an index range scan."""
        return self.filter(
            starts_at__gte=starts_at - MAX_APPOINTMENT_LENGTH, starts_at__lt=ends_at, ends_at__gt=starts_at
        )


class AppointmentManager(BusinessScopedManager.from_queryset(AppointmentQuerySet)):
    pass


class Appointment(BusinessOwnedModel, TimestampedModel):
    """A visit booked with one specialist in one branch. On PostgreSQL an exclusion constraint (migration 0002)
    keeps a specialist's active appointments from overlapping."""

    branch = models.ForeignKey("tenancy.Branch", on_delete=models.PROTECT, related_name="appointments")
    specialist = models.ForeignKey("staff.Employee", on_delete=models.PROTECT, related_name="appointments")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # Nobody for online bookings: KPI and payroll credit the per-booking amount to created_by, so "online" earns none.
    created_by = models.ForeignKey(
        "staff.Employee",
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments_created",
    )
    # Source attribution (PRODUCT.md M8): staff or online, and for online bookings where the client came from.
    source = models.CharField(
        _("source"), max_length=16, choices=AppointmentSource.choices, default=AppointmentSource.STAFF
    )
    source_site = models.CharField(_("widget site"), max_length=200, blank=True)
    source_referrer = models.CharField(_("referrer"), max_length=500, blank=True)
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Money: lines hold the figures; these are their sums, kept for lists and balances.
    price = MoneyField(verbose_name=_("price"), default=0)
    discount_kind = models.CharField(max_length=8, choices=DiscountKind.choices, default=DiscountKind.NONE)
    discount_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    discount_amount = MoneyField(verbose_name=_("discount"), default=0)
    total = MoneyField(verbose_name=_("to pay"), default=0)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AppointmentManager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["business", "branch", "starts_at"], name="appointment_branch_day"),
            models.Index(fields=["business", "specialist", "starts_at"], name="appointment_specialist_day"),
            models.Index(fields=["business", "client", "starts_at"], name="appointment_client_history"),
            models.Index(fields=["business", "created_by", "starts_at"], name="appointment_created_by"),
            models.Index(fields=["business", "source", "starts_at"], name="appointment_source_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="appointment_starts_before_it_ends"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0, discount_amount__gte=0), name="appointment_money_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.specialist} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_online(self) -> bool:
        return self.source == AppointmentSource.ONLINE

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AppointmentLine(BusinessOwnedModel):
    """One service in an appointment, with the figures payroll and reports use (a snapshot, not a live link)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        "catalog.ServiceCategory", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    duration_minutes = models.PositiveIntegerField()
    price = MoneyField(verbose_name=_("price"))
    discount_amount = MoneyField(verbose_name=_("discount"), default=0)
    total = MoneyField(verbose_name=_("to pay"))

    class Meta:
        verbose_name = _("appointment service")
        verbose_name_plural = _("appointment services")
        ordering = ["appointment", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0, discount_amount__gte=0, total__gte=0),
                name="appointment_line_money_not_negative",
            ),
        ]
