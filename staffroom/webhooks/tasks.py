"""Background delivery of webhooks: one task per delivery, retried with exponential back-off until a 2xx."""

from celery.utils.time import get_exponential_backoff_interval

from staffroom.runtime.tasks import background_task

from .choices import DeliveryStatus
from .models import WebhookDelivery

MAX_RETRIES = 5
RETRY_BACKOFF_SECONDS = 30  # doubled at each retry
RETRY_BACKOFF_MAX_SECONDS = 3600


class WebhookDeliveryFailed(Exception):
    """The receiver did not answer 2xx; the task is retried with back-off."""


def retry_countdown(retries: int) -> int:
    """Seconds before the next attempt after `retries` retries: 30 s doubling, at most an hour (no jitter, so the
    delivery log can tell when the next attempt is due)."""
    return int(
        get_exponential_backoff_interval(
            factor=RETRY_BACKOFF_SECONDS, retries=retries, maximum=RETRY_BACKOFF_MAX_SECONDS, full_jitter=False
        )
    )


@background_task("webhooks.deliver", bind=True, max_retries=MAX_RETRIES)
def webhook_deliver(self, delivery_id: int) -> str:
    from .services import webhook_delivery_attempt

    delivery = WebhookDelivery.objects.unscoped().select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if delivery.status == DeliveryStatus.DELIVERED:
        return "already delivered"
    retries = self.request.retries or 0
    retry_in = retry_countdown(retries) if retries < MAX_RETRIES else None
    if not webhook_delivery_attempt(delivery=delivery, retry_in=retry_in):
        failed = WebhookDeliveryFailed(f"delivery {delivery_id} failed")
        if retry_in is None:
            raise failed
        raise self.retry(exc=failed, countdown=retry_in)
    return "delivered"
