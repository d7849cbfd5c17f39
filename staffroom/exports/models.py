"""An export job: who asked for which data of which business, and the file once it is built."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


def export_path(instance, filename: str) -> str:
    # A random directory per file: names are not guessable, and the original name is kept for the download.
    return f"exports/{instance.business_id}/{secrets.token_urlsafe(16)}/{filename}"


class Export(BusinessOwnedModel):
    requested_by = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=50)
    fmt = models.CharField(max_length=10)
    # The filters of the export, as the request gave them (ids, dates, search text); never secrets.
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(upload_to=export_path, blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [
            models.Index(fields=["business", "requested_by", "-created_at"], name="exports_of_requester"),
            models.Index(fields=["status", "expires_at"], name="exports_status_expiry"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.status})"
