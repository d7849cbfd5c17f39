"""Clients of a business: contacts (E.164 phones), tags, notes, consent, soft deletion and merging."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.models import BusinessOwnedModel, TimestampedModel


class Client(BusinessOwnedModel, TimestampedModel):
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("E.164, e.g. +79161234567"))
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    accepts_messages = models.BooleanField(_("consents to messages"), default=False)
    # Lower-cased name, phone digits and e-mail in one column, so search is one indexed LIKE per business.
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        "staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False
    )
    created_by = models.ForeignKey(
        "staff.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["business", "is_deleted", "full_name"], name="client_business_name"),
            models.Index(fields=["business", "phone"], name="client_business_phone"),
            models.Index(fields=["business", "email"], name="client_business_email"),
        ]

    def __str__(self) -> str:
        return self.full_name
