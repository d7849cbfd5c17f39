"""The events a business can subscribe to (stable dotted codes: they are part of the public API)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    APPOINTMENT_CREATED = "appointment.created", _("Appointment created")
    APPOINTMENT_CHANGED = "appointment.changed", _("Appointment changed")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("Appointment cancelled")
    PAYMENT_TAKEN = "payment.taken", _("Payment taken")
    PAYMENT_REFUNDED = "payment.refunded", _("Payment refunded")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    CLIENT_CREATED = "client.created", _("Client created")
    CLIENT_CHANGED = "client.changed", _("Client changed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
