"""Read-only mode: a business past its grace period may look and export, but changes nothing (pages and API alike)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import Subscription, SubscriptionStatus

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Signing in and out, choosing a business or language, paying (billing pages) and the operator console stay open.
OPEN_PREFIXES = (
    "/accounts/",
    "/billing/purchase/",
    "/billing/next-term/",
    "/api/v1/billing/purchase",
    "/api/v1/billing/next-term",
    "/operator/",
    "/i18n/",
    "/business/select/",
)
READ_ONLY_STATUS = 402


def business_is_read_only(business) -> bool:
    return Subscription.objects.for_business(business).filter(status=SubscriptionStatus.READ_ONLY).exists()


def _business_of_api_token(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None
    from staffroom.identity.selectors import employee_for_api_token

    employee = employee_for_api_token(header[7:].strip())
    return employee.business if employee is not None else None


class ReadOnlyBusinessMiddleware:
    """Placed after CurrentBusinessMiddleware: refuses state-changing requests of a read-only business."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        business = getattr(request, "business", None)
        if business is None and is_api:
            business = _business_of_api_token(request)
        if business is None or not business_is_read_only(business):
            return self.get_response(request)
        message = _(
            "This business is read-only because its subscription is unpaid. You can view and export everything; "
            "to make changes again, pay the invoice on the Billing page."
        )
        if is_api:
            return JsonResponse(
                {"detail": message, "errors": {}, "code": "subscription_read_only"}, status=READ_ONLY_STATUS
            )
        return render(request, "billing/read_only.html", {"message": message}, status=READ_ONLY_STATUS)
