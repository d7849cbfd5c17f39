"""Settings pages for outgoing webhooks: list, subscribe (the secret shown once), change, pause and resume, replace
the secret, delete, and each subscription's delivery log with re-send. Every change goes through the services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import permission_required

from . import selectors, services
from .choices import WebhookEvent
from .forms import WebhookSubscriptionForm
from .models import WebhookDelivery, WebhookSubscription

DELIVERIES_PER_PAGE = 50


def _event_labels(codes) -> list[str]:
    labels = dict(WebhookEvent.choices)
    return [labels.get(code, code) for code in codes]


@permission_required(Perm.SETTINGS_MANAGE)
def subscription_list(request):
    subscriptions = [
        (subscription, _event_labels(subscription.events))
        for subscription in selectors.webhook_subscriptions(request.business)
    ]
    return render(request, "webhooks/list.html", {"subscriptions": subscriptions})


@permission_required(Perm.SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def subscription_create(request):
    form = WebhookSubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.webhook_subscription_create(actor=request.employee, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            # Rendered, not redirected: the secret is never stored in plain text, not even in the session.
            return render(
                request, "webhooks/secret.html", {"subscription": subscription, "secret": secret, "created": True}
            )
    return render(request, "webhooks/form.html", {"form": form})


@permission_required(Perm.SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def subscription_detail(request, subscription_id):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    initial = {"url": subscription.url, "events": subscription.events, "description": subscription.description}
    form = WebhookSubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_subscription_update(actor=request.employee, subscription=subscription, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("webhooks:detail", subscription.pk)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    deliveries = list(
        selectors.webhook_deliveries(request.business, subscription)[offset : offset + DELIVERIES_PER_PAGE + 1]
    )
    context = {
        "subscription": subscription,
        "form": form,
        "deliveries": [_delivery_row(delivery) for delivery in deliveries[:DELIVERIES_PER_PAGE]],
        "older_offset": offset + DELIVERIES_PER_PAGE if len(deliveries) > DELIVERIES_PER_PAGE else None,
        "newer_offset": max(0, offset - DELIVERIES_PER_PAGE) if offset else None,
    }
    return render(request, "webhooks/detail.html", context)


def _delivery_row(delivery: WebhookDelivery) -> dict:
    attempts = list(delivery.attempt_log.all())  # prefetched, oldest first
    return {
        "delivery": delivery,
        "event_label": _event_labels([delivery.event_type])[0],
        "last_attempt": max(attempts, key=lambda attempt: (attempt.attempted_at, attempt.pk)) if attempts else None,
    }


@permission_required(Perm.SETTINGS_MANAGE)
@require_POST
def subscription_set_active(request, subscription_id):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    is_active = request.POST.get("is_active") == "true"
    services.webhook_subscription_update(actor=request.employee, subscription=subscription, is_active=is_active)
    messages.success(request, _("Webhook resumed.") if is_active else _("Webhook paused."))
    return redirect("webhooks:detail", subscription.pk)


@permission_required(Perm.SETTINGS_MANAGE)
@require_POST
def subscription_rotate_secret(request, subscription_id):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    subscription, secret = services.webhook_subscription_rotate_secret(
        actor=request.employee, subscription=subscription
    )
    return render(request, "webhooks/secret.html", {"subscription": subscription, "secret": secret, "created": False})


@permission_required(Perm.SETTINGS_MANAGE)
@require_POST
def subscription_delete(request, subscription_id):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    services.webhook_subscription_delete(actor=request.employee, subscription=subscription)
    messages.success(request, _("Webhook deleted."))
    return redirect("webhooks:list")


@permission_required(Perm.SETTINGS_MANAGE)
@require_POST
def delivery_resend(request, subscription_id, delivery_id):
    subscription = get_for_business_or_404(WebhookSubscription, request.business, pk=subscription_id)
    delivery = get_for_business_or_404(
        selectors.webhook_deliveries(request.business, subscription), request.business, pk=delivery_id
    )
    services.webhook_delivery_resend(actor=request.employee, delivery=delivery)
    if request.htmx:
        delivery = selectors.webhook_deliveries(request.business, subscription).get(pk=delivery.pk)
        return render(
            request, "webhooks/_delivery_row.html", {"row": _delivery_row(delivery), "subscription": subscription}
        )
    messages.success(request, _("The delivery is being sent again."))
    return redirect("webhooks:detail", subscription.pk)
