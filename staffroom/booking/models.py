"""Online-booking settings per business and branch, booking requests (screening and review), client links and
the log of every message sent to clients."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel

from .choices import ConfirmationChannel, DeliveryStatus, MessageChannel, MessageKind, RequestStatus


class BookingSettings(BusinessOwnedModel, TimestampedModel):
    """How a business takes online bookings. One row per business; branches switch themselves on and off."""

    slug = models.SlugField(_("address of the booking page"), max_length=60, unique=True)
    is_enabled = models.BooleanField(_("online booking is on"), default=False)
    # Empty lists mean "every active service / specialist"; ids are internal and never leave the staff side.
    bookable_service_ids = models.JSONField(default=list, blank=True)
    bookable_specialist_ids = models.JSONField(default=list, blank=True)
    days_ahead = models.PositiveSmallIntegerField(_("how many days ahead"), default=30)
    minimum_notice_minutes = models.PositiveIntegerField(_("minimum notice, minutes"), default=60)
    slot_step_minutes = models.PositiveSmallIntegerField(_("slot step, minutes"), default=15)
    change_window_hours = models.PositiveSmallIntegerField(_("cancel or reschedule up to, hours before"), default=24)
    offers_any_specialist = models.BooleanField(_('offer "any specialist"'), default=True)
    requires_phone = models.BooleanField(_("phone required"), default=True)
    requires_email = models.BooleanField(_("e-mail required"), default=False)
    client_text = models.TextField(_("text for the client"), blank=True)
    confirmation_channel = models.CharField(
        _("confirmation channel"),
        max_length=8,
        choices=ConfirmationChannel.choices,
        default=ConfirmationChannel.EMAIL,
    )
    reminder_hours_before = models.PositiveSmallIntegerField(_("reminder, hours before"), default=24)
    # Screening thresholds, set by the business.
    attempts_per_contact_per_day = models.PositiveSmallIntegerField(_("attempts per contact a day"), default=5)
    attempts_per_ip_per_hour = models.PositiveSmallIntegerField(_("attempts per IP address an hour"), default=20)
    attempts_per_device_per_day = models.PositiveSmallIntegerField(_("attempts per device a day"), default=5)
    no_shows_for_review = models.PositiveSmallIntegerField(_("no-shows that send a client to review"), default=2)
    screened_for_review = models.PositiveSmallIntegerField(
        _("screened attempts that send a contact to review"), default=3
    )
    rare_arrival_percent = models.PositiveSmallIntegerField(
        _("flag sources whose bookings arrive less often than, %"), default=50
    )

    class Meta:
        verbose_name = _("online-booking settings")
        verbose_name_plural = _("online-booking settings")
        constraints = [
            models.UniqueConstraint(fields=["business"], name="booking_settings_one_per_business"),
            models.CheckConstraint(
                condition=models.Q(slot_step_minutes__gte=5, days_ahead__gte=1),
                name="booking_settings_step_and_horizon_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class BranchBookingSettings(BusinessOwnedModel):
    """A branch's own booking page: its slug under the business's, and whether it takes online bookings."""

    branch = models.ForeignKey("tenancy.Branch", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(_("address of the branch page"), max_length=60)
    is_enabled = models.BooleanField(_("takes online bookings"), default=True)

    class Meta:
        verbose_name = _("branch online-booking settings")
        verbose_name_plural = _("branch online-booking settings")
        constraints = [
            models.UniqueConstraint(fields=["business", "branch"], name="branch_booking_settings_one_per_branch"),
            models.UniqueConstraint(fields=["business", "slug"], name="branch_booking_slug_unique_in_business"),
        ]


class BookingRequest(BusinessOwnedModel, TimestampedModel):
    """One attempt of a client to book online: screened, confirmed by a code, then booked or sent to review.

    The public flow knows it only by `token` (unguessable); the review list is the requests in review.
    """

    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.AWAITING_CODE
    )
    screening_reason = models.CharField(_("screening reason"), max_length=100, blank=True)
    branch = models.ForeignKey("tenancy.Branch", on_delete=models.CASCADE, related_name="+")
    specialist = models.ForeignKey("staff.Employee", on_delete=models.CASCADE, related_name="+")
    service_ids = models.JSONField(default=list)
    starts_at = models.DateTimeField(_("starts at"))
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The confirmed contact in one normalized form: the per-contact limit and the review threshold count by it.
    contact_key = models.CharField(max_length=200)
    accepts_messages = models.BooleanField(_("consents to messages"), default=False)
    channel = models.CharField(max_length=8, choices=ConfirmationChannel.choices)
    code_hash = models.CharField(max_length=128, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    source = models.JSONField(default=dict, blank=True)
    # The language the client picked in the page's switch ("" = the business's): their messages speak it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    client = models.ForeignKey("clients.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "staff.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("online booking request")
        verbose_name_plural = _("online booking requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "contact_key", "created_at"], name="booking_request_by_contact"),
            models.Index(fields=["business", "ip_address", "created_at"], name="booking_request_by_ip"),
            models.Index(fields=["business", "device_id", "created_at"], name="booking_request_by_device"),
            models.Index(fields=["business", "status", "created_at"], name="booking_request_by_status"),
        ]


class ClientBookingLink(BusinessOwnedModel, TimestampedModel):
    """The client's own link to one appointment. Only a hash of the token is stored; the token is derived from
    `key` and the server's secret, so a copy of the database alone opens no booking."""

    appointment = models.ForeignKey("scheduling.Appointment", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("client booking link")
        verbose_name_plural = _("client booking links")
        indexes = [models.Index(fields=["business", "appointment"], name="booking_link_appointment")]


class ClientMessage(BusinessOwnedModel, TimestampedModel):
    """Every message to a client (or about an online booking to staff), with its channel and delivery status."""

    kind = models.CharField(_("message"), max_length=24, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices)
    status = models.CharField(
        _("delivery status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    # The language it is written in ("" = the business's): the one the client picked when booking online, kept for
    # every later message about the same visit.
    language = models.CharField(_("language"), max_length=8, blank=True)
    client = models.ForeignKey("clients.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Makes a message idempotent (a reminder for one visit at one time is sent once, however often the job runs).
    dedup_key = models.CharField(max_length=200, blank=True)
    provider = models.CharField(max_length=40, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("client message")
        verbose_name_plural = _("client messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "client", "created_at"], name="client_message_by_client"),
            models.Index(fields=["business", "appointment", "created_at"], name="client_message_by_appointment"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "dedup_key"],
                condition=~models.Q(dedup_key=""),
                name="client_message_sent_once_per_key",
            ),
        ]
