"""Resolves the current business and employee of a signed-in session (request.business, request.employee)."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

SESSION_BUSINESS_KEY = "staffroom_business_id"


def active_memberships(person):
    """The active employee records of a person, across businesses (tenancy resolution, not a view query)."""
    employee_model = apps.get_model("staff", "Employee")
    return (
        employee_model.objects.unscoped()
        .filter(person=person, status="active", business__is_active=True)
        .select_related("business", "role")
        .order_by("business__name")
    )


def activate_business_language(request, business) -> None:
    """The business's language is the default of its employees; a language the person chose (cookie) wins."""
    offered = dict(settings.LANGUAGES)
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in offered:
        return
    if business.locale in offered:
        translation.activate(business.locale)
        request.LANGUAGE_CODE = translation.get_language()


def activate_person_language(request) -> bool:
    """The language a signed-in person chose in the switcher (stored on the person) wins over everything else."""
    language = getattr(request.user, "language", "")
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return True
    return False


class CurrentBusinessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.business = None
        request.employee = None
        user = request.user
        if user.is_authenticated:
            response = self._resolve(request, user)
            if response is not None:
                return response
        if request.business is not None:
            # Times are stored in UTC and shown in the business's time zone.
            timezone.activate(request.business.zone)
        chose_language = user.is_authenticated and activate_person_language(request)
        if not chose_language and request.business is not None:
            activate_business_language(request, request.business)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def _resolve(self, request, person):
        business_id = request.session.get(SESSION_BUSINESS_KEY)
        if business_id is None:
            memberships = list(active_memberships(person)[:2])
            if len(memberships) == 1:
                request.session[SESSION_BUSINESS_KEY] = memberships[0].business_id
                self._attach(request, memberships[0])
            return None
        employee_model = apps.get_model("staff", "Employee")
        employee = (
            employee_model.objects.unscoped()
            .select_related("business", "role")
            .filter(person=person, business_id=business_id)
            .first()
        )
        if employee is not None and employee.is_active and employee.business.is_active:
            self._attach(request, employee)
            return None
        if employee is not None and employee.is_blocked:
            # Blocking kills the session on its very next request.
            logout(request)
            messages.error(request, _("Your access has been blocked. Contact the business owner."))
            return redirect("account_login")
        request.session.pop(SESSION_BUSINESS_KEY, None)
        return None

    @staticmethod
    def _attach(request, employee):
        request.employee = employee
        request.business = employee.business
