"""Every write of webhooks: subscribe, unsubscribe, emit an event from a domain service, deliver, re-send."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import ValidationFailed, field_error
from staffroom.runtime.tasks import enqueue
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from .choices import DeliveryStatus, WebhookEvent
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .secret_box import secret_decrypt, secret_encrypt, secret_generate
from .signing import SIGNATURE_HEADER, sign
from .targets import target_validate

MAX_SUBSCRIPTIONS_PER_BUSINESS = 20


def _clean_events(events: list[str]) -> list[str]:
    known = set(WebhookEvent.values)
    unknown = [event for event in events if event not in known]
    if unknown:
        raise field_error("events", _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)})
    if not events:
        raise field_error("events", _("Choose at least one event."))
    return sorted(set(events))


@transaction.atomic
def webhook_subscription_create(
    *, actor, url: str, events: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """Subscribe `url`; returns the subscription and its signing secret, which is shown this once."""
    require(actor, Perm.SETTINGS_MANAGE)
    business = actor.business
    url = target_validate(url.strip())
    events = _clean_events(events)
    if WebhookSubscription.objects.for_business(business).count() >= MAX_SUBSCRIPTIONS_PER_BUSINESS:
        raise ValidationFailed(
            _("A business can have at most %(count)d webhooks.") % {"count": MAX_SUBSCRIPTIONS_PER_BUSINESS}
        )
    secret = secret_generate()
    subscription = WebhookSubscription.objects.create(
        business=business,
        url=url,
        events=events,
        description=description.strip(),
        encrypted_secret=secret_encrypt(secret),
    )
    security_event_record(
        event_type="webhook.subscribed", actor=actor, target=subscription, after={"url": url, "events": events}
    )
    return subscription, secret


def _locked(subscription: WebhookSubscription) -> WebhookSubscription:
    return (
        WebhookSubscription.objects.for_business(subscription.business_id).select_for_update().get(pk=subscription.pk)
    )


@transaction.atomic
def webhook_subscription_update(
    *,
    actor,
    subscription: WebhookSubscription,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Change what is given (URL, events, description, paused or not); validated like a new subscription."""
    require(actor, Perm.SETTINGS_MANAGE, obj=subscription)
    subscription = _locked(subscription)
    before = {"url": subscription.url, "events": subscription.events, "is_active": subscription.is_active}
    if url is not None and url.strip() != subscription.url:
        subscription.url = target_validate(url.strip())
    if events is not None:
        subscription.events = _clean_events(events)
    if description is not None:
        subscription.description = description.strip()
    if is_active is not None:
        subscription.is_active = is_active
    subscription.save(update_fields=["url", "events", "description", "is_active", "updated_at"])
    after = {"url": subscription.url, "events": subscription.events, "is_active": subscription.is_active}
    if before != after:
        changed = {key: value for key, value in after.items() if before[key] != value}
        if set(changed) == {"is_active"}:
            event_type = "webhook.resumed" if subscription.is_active else "webhook.paused"
        else:
            event_type = "webhook.changed"
        security_event_record(
            event_type=event_type,
            actor=actor,
            target=subscription,
            before={key: before[key] for key in changed},
            after=changed,
        )
    return subscription


@transaction.atomic
def webhook_subscription_rotate_secret(*, actor, subscription: WebhookSubscription) -> tuple[WebhookSubscription, str]:
    """A new signing secret, shown this once; deliveries from now on are signed with it (the old one stops)."""
    require(actor, Perm.SETTINGS_MANAGE, obj=subscription)
    subscription = _locked(subscription)
    secret = secret_generate()
    subscription.encrypted_secret = secret_encrypt(secret)
    subscription.save(update_fields=["encrypted_secret", "updated_at"])
    security_event_record(event_type="webhook.secret_rotated", actor=actor, target=subscription)
    return subscription, secret


@transaction.atomic
def webhook_subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    require(actor, Perm.SETTINGS_MANAGE, obj=subscription)
    security_event_record(
        event_type="webhook.unsubscribed",
        actor=actor,
        target=subscription,
        before={"url": subscription.url, "events": subscription.events},
    )
    subscription.delete()


def webhook_event_emit(business, event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Called by domain services inside their transaction: one delivery per subscribed URL, sent after commit.

    Nothing is written (and nothing sent) when the caller's transaction rolls back.
    """
    if event_type not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.for_business(business).filter(is_active=True)
        if event_type in subscription.events
    ]
    if not subscriptions:
        return []
    event_id = uuid.uuid4()
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = []
    for subscription in subscriptions:
        delivery = WebhookDelivery.objects.create(
            business=business, subscription=subscription, event_id=event_id, event_type=event_type, payload=body
        )
        from .tasks import webhook_deliver

        enqueue(webhook_deliver, delivery.pk)
        deliveries.append(delivery)
    return deliveries


@transaction.atomic
def webhook_delivery_resend(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again by hand (same event id, a fresh timestamp and signature)."""
    from .tasks import webhook_deliver

    require(actor, Perm.SETTINGS_MANAGE, obj=delivery)
    WebhookDelivery.objects.for_business(delivery.business).filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=None
    )
    security_event_record(
        event_type="webhook.resent", actor=actor, target=delivery.subscription, after={"delivery": delivery.pk}
    )
    enqueue(webhook_deliver, delivery.pk)
    delivery.refresh_from_db()
    return delivery


def delivery_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.created_at.isoformat(),
        "business_id": delivery.business_id,
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect could point at a private address: not followed
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def webhook_delivery_attempt(*, delivery: WebhookDelivery, retry_in: int | None = None) -> bool:
    """One attempt: POST the signed body, log status code and response time; True when the receiver took it (2xx).

    `retry_in` is how many seconds after a failure the next attempt is scheduled (None: none is left); it is kept
    as the delivery's `next_attempt_at`, for the delivery log.
    """
    subscription = delivery.subscription
    body = delivery_body(delivery)
    status_code, error = None, ""
    started = time.monotonic()
    try:
        target_validate(subscription.url)
        timestamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 -- target_validate allowed only http(s) just above
            subscription.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Staffroom-Webhooks/1",
                SIGNATURE_HEADER: sign(secret_decrypt(subscription.encrypted_secret), body, timestamp),
                "Staffroom-Event": delivery.event_type,
                "Staffroom-Event-Id": str(delivery.event_id),
            },
        )
        with _opener.open(request, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS) as response:
            status_code = response.status
    except urllib.error.HTTPError as http_error:
        status_code = http_error.code
    except ValidationFailed as refused:
        error = refused.errors.get("url", [refused.message])[0]
    except (OSError, ValueError) as failure:
        error = type(failure).__name__
    elapsed = int((time.monotonic() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            business_id=delivery.business_id,
            delivery=delivery,
            status_code=status_code,
            response_milliseconds=elapsed,
            error=str(error)[:300],
        )
        WebhookDelivery.objects.for_business(delivery.business_id).filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            status=DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED,
            delivered_at=timezone.now() if delivered else None,
            next_attempt_at=None if delivered or retry_in is None else timezone.now() + dt.timedelta(seconds=retry_in),
        )
    return delivered
