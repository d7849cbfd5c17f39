"""The tenant (Business) and its branches."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core import validators as core_validators
from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.money import CURRENCY_CHOICES


def validate_time_zone(value: str) -> None:
    """Kept here because migrations name it; the rule lives in staffroom.core.validators."""
    core_validators.validate_time_zone(value)


class Business(TimestampedModel):
    """The tenant. Every business-owned row points here; nothing crosses businesses."""

    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    locale = models.CharField(_("language"), max_length=10, default="en")
    country = models.CharField(
        _("country"), max_length=2, default="RU", help_text=_("ISO 3166 code: phone numbers, holidays")
    )
    owner = models.ForeignKey(
        "staff.Employee",
        verbose_name=_("designated owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name", "id"]

    def clean(self) -> None:
        # SECURITY.md 38: what the operator console enters is checked before it is saved.
        errors = core_validators.errors_of(
            {
                "country": (core_validators.validate_country_code, self.country),
                "currency": (core_validators.validate_currency_code, self.currency),
                "locale": (core_validators.validate_language, self.locale),
            }
        )
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Branch(BusinessOwnedModel, TimestampedModel):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="branch_name_unique_in_business"),
        ]

    def __str__(self) -> str:
        return self.name
