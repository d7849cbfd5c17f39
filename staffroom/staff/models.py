"""Employees and roles: the people of a business and the named sets of permissions they hold."""

from django.conf import settings
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
    status_changed_at = models.DateTimeField(null=True, blank=True)
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
