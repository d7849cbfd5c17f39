"""Webhook subscriptions of a business, the deliveries of its events, and every attempt to deliver them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel

from .choices import DeliveryStatus


class WebhookSubscription(BusinessOwnedModel, TimestampedModel):
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    encrypted_secret = models.TextField()  # Fernet with a key out of the database; the plain secret is shown once
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        indexes = [models.Index(fields=["business", "is_active"], name="webhook_subscription_active")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(BusinessOwnedModel):
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField()  # the same for every delivery (and re-send) of one event: receivers deduplicate on it
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # when a failed delivery is tried again, if ever

    class Meta:
        indexes = [models.Index(fields=["business", "subscription", "-created_at"], name="webhook_delivery_recent")]


class WebhookAttempt(BusinessOwnedModel):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_milliseconds = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["business", "delivery", "attempted_at"], name="webhook_attempt_delivery")]
