"""The services catalogue: categories, services with duration and price, and who provides them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.core.money import MoneyField


class ServiceCategory(BusinessOwnedModel, TimestampedModel):
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="service_category_name_unique_in_business"),
        ]

    def __str__(self) -> str:
        return self.name


class Service(BusinessOwnedModel, TimestampedModel):
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration, minutes"))
    price = MoneyField(verbose_name=_("price"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "name"], name="service_name_unique_in_business"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="service_duration_positive"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class SpecialistService(BusinessOwnedModel):
    """A specialist provides a service, optionally at their own price and duration."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="specialist_links")
    specialist = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="service_links")
    price = MoneyField(verbose_name=_("own price"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("own duration, minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("specialist's service")
        verbose_name_plural = _("specialists' services")
        constraints = [
            models.UniqueConstraint(fields=["service", "specialist"], name="specialist_service_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} — {self.service}"

    @property
    def effective_price(self):
        return self.price if self.price is not None else self.service.price

    @property
    def effective_duration_minutes(self) -> int:
        return self.duration_minutes or self.service.duration_minutes
