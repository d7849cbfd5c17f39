"""REST API for outgoing webhooks: subscribe (the secret is answered once), list, read, change, pause, rotate the
secret, delete, deliveries, re-send."""

import datetime as dt
import uuid

from ninja import Field, Router, Schema, Status

from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import api_permission

from . import selectors, services
from .choices import WebhookEvent
from .models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])


class WebhooksSubscriptionIn(Schema):
    url: str = Field(..., max_length=500)
    events: list[WebhookEvent] = Field(..., min_length=1, max_length=len(WebhookEvent.values))
    description: str = Field("", max_length=200)


class WebhooksSubscriptionPatch(Schema):
    url: str | None = Field(None, max_length=500)
    events: list[WebhookEvent] | None = Field(None, min_length=1, max_length=len(WebhookEvent.values))
    description: str | None = Field(None, max_length=200)
    is_active: bool | None = Field(None, description="false pauses the subscription: no new deliveries until true.")


class WebhooksSubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    is_active: bool
    created_at: dt.datetime


class WebhooksSubscriptionCreatedOut(WebhooksSubscriptionOut):
    secret: str = Field(..., description="The signing secret; answered only here, once.")


class WebhooksSubscriptionRotatedOut(WebhooksSubscriptionOut):
    secret: str = Field(..., description="The new signing secret (the old one stops signing); answered only here.")


class WebhooksAttemptOut(Schema):
    attempted_at: dt.datetime
    status_code: int | None
    response_milliseconds: int
    error: str


class WebhooksDeliveryOut(Schema):
    id: int
    event_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime | None = Field(..., description="When a failed delivery is tried again, if ever.")
    attempt_log: list[WebhooksAttemptOut]


def _subscription_out(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": list(subscription.events),
        "description": subscription.description,
        "is_active": subscription.is_active,
        "created_at": subscription.created_at,
    }


def _delivery_out(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at,
        "attempt_log": [
            {
                "attempted_at": attempt.attempted_at,
                "status_code": attempt.status_code,
                "response_milliseconds": attempt.response_milliseconds,
                "error": attempt.error,
            }
            for attempt in delivery.attempt_log.all()
        ],
    }


@router.get("/webhooks", response=list[WebhooksSubscriptionOut])
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_list(request):
    return [_subscription_out(s) for s in selectors.webhook_subscriptions(request.business)]


@router.post("/webhooks", response={201: WebhooksSubscriptionCreatedOut})
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_create(request, payload: WebhooksSubscriptionIn):
    subscription, secret = services.webhook_subscription_create(
        actor=request.employee,
        url=payload.url,
        events=[str(event.value) for event in payload.events],
        description=payload.description,
    )
    return Status(201, {**_subscription_out(subscription), "secret": secret})


@router.get("/webhooks/{subscription_id}", response=WebhooksSubscriptionOut)
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_detail(request, subscription_id: int):
    return _subscription_out(get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id))


@router.patch("/webhooks/{subscription_id}", response=WebhooksSubscriptionOut)
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_update(request, subscription_id: int, payload: WebhooksSubscriptionPatch):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    subscription = services.webhook_subscription_update(
        actor=request.employee,
        subscription=subscription,
        url=payload.url,
        events=None if payload.events is None else [str(event.value) for event in payload.events],
        description=payload.description,
        is_active=payload.is_active,
    )
    return _subscription_out(subscription)


@router.post("/webhooks/{subscription_id}/secret", response=WebhooksSubscriptionRotatedOut)
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_secret_rotate(request, subscription_id: int):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    subscription, secret = services.webhook_subscription_rotate_secret(
        actor=request.employee, subscription=subscription
    )
    return {**_subscription_out(subscription), "secret": secret}


@router.delete("/webhooks/{subscription_id}", response={204: None})
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_delete(request, subscription_id: int):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    services.webhook_subscription_delete(actor=request.employee, subscription=subscription)
    return Status(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response=list[WebhooksDeliveryOut])
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_delivery_list(request, subscription_id: int, limit: int = 50, offset: int = 0):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    deliveries = selectors.webhook_deliveries(request.business, subscription)[offset : offset + limit]
    return [_delivery_out(delivery) for delivery in deliveries]


@router.post("/webhooks/{subscription_id}/deliveries/{delivery_id}/resend", response={202: WebhooksDeliveryOut})
@api_permission(Perm.SETTINGS_MANAGE)
def webhook_delivery_resend(request, subscription_id: int, delivery_id: int):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    delivery = get_for_business_or_404(
        WebhookDelivery.objects.filter(subscription=subscription), request.business, pk=delivery_id
    )
    delivery = services.webhook_delivery_resend(actor=request.employee, delivery=delivery)
    return Status(202, _delivery_out(delivery))
