"""The subscription banner shown on every page during grace and in read-only mode."""

from django import template

from staffroom.billing.models import Subscription, SubscriptionStatus

register = template.Library()


@register.inclusion_tag("billing/_banner.html", takes_context=True)
def billing_banner(context):
    request = context.get("request")
    business = getattr(request, "business", None) if request is not None else None
    subscription = None
    if business is not None:
        subscription = (
            Subscription.objects.for_business(business)
            .filter(status__in=[SubscriptionStatus.GRACE, SubscriptionStatus.READ_ONLY])
            .select_related("plan")
            .first()
        )
    return {"subscription": subscription, "can": context.get("can")}
