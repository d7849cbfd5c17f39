"""Background delivery of webhooks: one task per delivery, retried with exponential back-off until a 2xx."""

from staffroom.runtime.tasks import background_task

from .choices import DeliveryStatus
from .models import WebhookDelivery


class WebhookDeliveryFailed(Exception):
    """The receiver did not answer 2xx; the task layer retries with back-off."""


@background_task("webhooks.deliver", max_retries=5, retry_backoff=30, retry_backoff_max=3600)
def webhook_deliver(delivery_id: int) -> str:
    from .services import webhook_delivery_attempt

    delivery = WebhookDelivery.objects.unscoped().select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if delivery.status == DeliveryStatus.DELIVERED:
        return "already delivered"
    if not webhook_delivery_attempt(delivery=delivery):
        raise WebhookDeliveryFailed(f"delivery {delivery_id} failed")
    return "delivered"
