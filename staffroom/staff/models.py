"""Employees and roles: the people of a business and the named sets of permissions they hold."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.labels import builtin_name
from staffroom.core.models import BusinessOwnedModel, TimestampedModel

from .catalogue import ALL_CODES, ROLE_TEMPLATES


class Role(BusinessOwnedModel, TimestampedModel):
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    template_code = models.CharField(
        _("built-in template"), max_length=32, blank=True, help_text=_("Empty for custom roles")
    )
    is_owner_role = models.BooleanField(default=False, editable=False)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="role_name_unique_in_business"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """A built-in role keeps following the reader's language until someone renames it."""
        template = ROLE_TEMPLATES.get(self.template_code)
        return builtin_name(self.name, template["name"] if template else None)

    @property
    def effective_permissions(self) -> frozenset[str]:
        # The Owner role always holds the whole catalogue, including codes added after it was copied.
        if self.is_owner_role:
            return ALL_CODES
        return frozenset(self.permissions) & ALL_CODES


class EmployeeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")


class Employee(BusinessOwnedModel, TimestampedModel):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employments",
        help_text=_("Empty for an employee who does not sign in"),
    )
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)
    provides_services = models.BooleanField(_("provides services"), default=False)
    branches = models.ManyToManyField(
        "tenancy.Branch", verbose_name=_("works in branches"), related_name="employees", blank=True
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="employees")
    role_branches = models.ManyToManyField(
        "tenancy.Branch",
        verbose_name=_("role limited to branches"),
        related_name="+",
        blank=True,
        help_text=_("Empty: the role applies in every branch"),
    )
    status = models.CharField(_("status"), max_length=16, choices=EmployeeStatus.choices, default=EmployeeStatus.ACTIVE)
    # The calendar: a specialist's colour (empty: one of the calendar's defaults) and column order in a branch day.
    calendar_colour = models.CharField(
        _("calendar colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Choose a colour like #3366cc."))],
        help_text=_("Empty: the calendar picks one"),
    )
    calendar_position = models.PositiveSmallIntegerField(
        _("position in the calendar"), default=0, help_text=_("Columns of the branch day go from small to large")
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # SECURITY.md 30: the business's "end sessions" (and blocking) stamps its own membership: every session that
    # signed in before this moment no longer reaches this business, while the person's other businesses go on.
    access_ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Local business dates, both inclusive (the first and the last day employed). Empty hire date: employed
    # since before the business kept dates; empty leave date: still employed. Payroll prorates by them.
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(_("leave date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "person"],
                condition=models.Q(person__isnull=False),
                name="employee_person_unique_in_business",
            ),
            models.CheckConstraint(
                condition=models.Q(hire_date__isnull=True)
                | models.Q(leave_date__isnull=True)
                | models.Q(leave_date__gte=models.F("hire_date")),
                name="employee_leave_date_not_before_hire_date",
            ),
        ]
        indexes = [models.Index(fields=["business", "status"], name="employee_business_status")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.status == EmployeeStatus.ACTIVE

    @property
    def is_blocked(self) -> bool:
        return self.status == EmployeeStatus.BLOCKED

    @property
    def is_designated_owner(self) -> bool:
        return self.business.owner_id == self.pk


class EmployeeInvitation(BusinessOwnedModel):
    """SECURITY.md 31: an employee whose login already existed gets the person only once the person accepts.

    Until then `employee.person` stays empty, so the employee cannot sign in to, or act in, this business, and the
    business learns nothing of the person's other memberships.
    """

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="invitation")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee_invitations")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["business", "person"], name="invitation_business_person")]

    def __str__(self) -> str:
        return str(self.employee)

    @property
    def is_pending(self) -> bool:
        from django.utils import timezone

        return self.accepted_at is None and self.declined_at is None and self.expires_at > timezone.now()
