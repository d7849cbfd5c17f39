"""Choices of online booking: confirmation channels, request states, message kinds and delivery states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConfirmationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail code")
    SMS = "sms", _("Phone code by SMS")


class RequestStatus(models.TextChoices):
    AWAITING_CODE = "awaiting_code", _("Awaiting the code")
    BOOKED = "booked", _("Booked")
    IN_REVIEW = "in_review", _("In review")
    REJECTED = "rejected", _("Rejected")
    SCREENED = "screened", _("Screened out")
    EXPIRED = "expired", _("Expired")


# Requests that count as screened attempts of a contact or device (the review threshold counts them).
SCREENED_STATUSES = (RequestStatus.SCREENED, RequestStatus.REJECTED)


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessageKind(models.TextChoices):
    CODE = "code", _("Confirmation code")
    CONFIRMATION = "confirmation", _("Booking confirmation")
    REMINDER = "reminder", _("Reminder")
    CHANGE = "change", _("Change")
    CANCELLATION = "cancellation", _("Cancellation")
    STAFF_NEW_BOOKING = "staff_new_booking", _("New online booking (staff)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent: no consent")
