"""Reads of webhooks, always for one business."""

from .models import WebhookDelivery, WebhookSubscription


def webhook_subscriptions(business):
    return WebhookSubscription.objects.for_business(business).order_by("-created_at", "-pk")


def webhook_deliveries(business, subscription: WebhookSubscription):
    return (
        WebhookDelivery.objects.for_business(business)
        .filter(subscription=subscription)
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-pk")
    )
