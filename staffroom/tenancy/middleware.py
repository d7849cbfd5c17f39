"""Resolves the current business and employee of a signed-in session (request.business, request.employee)."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staffroom.core.cache import business_scope, cached, person_scope

SESSION_BUSINESS_KEY = "staffroom_business_id"
# When this browser session signed in (epoch seconds), stamped by Django's `user_logged_in` for every way in.
SESSION_SIGNED_IN_AT_KEY = "staffroom_signed_in_at"


def session_signed_in_at_stamp(sender, request, user, **kwargs) -> None:
    """Receiver of `user_logged_in`: remember when this session signed in (see `membership_reaches_session`)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SIGNED_IN_AT_KEY] = timezone.now().timestamp()


def membership_reaches_session(request, employee) -> bool:
    """SECURITY.md 30: a business ends its own membership's sessions, not the person's sessions.

    One browser session can switch between the person's businesses, so "ending sessions" in business B cannot
    delete it: B stamps `employee.access_ended_at` instead, and every session that signed in before that moment
    stops reaching B (it still reaches the person's other businesses). A fresh sign-in reaches B again, unless B
    has blocked the employee. A session without the stamp signed in before it existed, so it counts as older.
    """
    ended_at = employee.access_ended_at
    if ended_at is None:
        return True
    return float(request.session.get(SESSION_SIGNED_IN_AT_KEY, 0)) > ended_at.timestamp()


def active_memberships(person):
    """The active employee records of a person, across businesses (tenancy resolution, not a view query)."""
    employee_model = apps.get_model("staff", "Employee")
    return (
        employee_model.objects.unscoped()
        .filter(person=person, status="active", business__is_active=True)
        .select_related("business", "role")
        .order_by("business__name")
    )


def membership_of(person_id, business_id):
    """The person's employee record in the business (with its business and role), or None.

    Cached across requests and processes (staffroom.core.cache): every request of a signed-in person reads it, and
    it changes only when the employee, the role, the business or its 2FA policy does, each of which bumps the
    person's or the business's version (staffroom.security.apps connects the bumps).
    """

    def load():
        employee_model = apps.get_model("staff", "Employee")
        return (
            employee_model.objects.unscoped()  # tenancy resolution: the session names the business
            .select_related("business", "role")
            .filter(person_id=person_id, business_id=business_id)
            .first()
        )

    return cached(f"membership:{person_id}:{business_id}", [person_scope(person_id), business_scope(business_id)], load)


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
        request.membership_ended = False
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
            memberships = [m for m in active_memberships(person) if membership_reaches_session(request, m)]
            if len(memberships) == 1:
                request.session[SESSION_BUSINESS_KEY] = memberships[0].business_id
                self._attach(request, memberships[0])
            return None
        employee = membership_of(person.pk, business_id)
        reaches = employee is not None and membership_reaches_session(request, employee)
        if reaches and employee.is_active and employee.business.is_active:
            self._attach(request, employee)
            return None
        request.session.pop(SESSION_BUSINESS_KEY, None)
        if employee is not None and (employee.is_blocked or not reaches):
            # Blocking or "end sessions" in this business ends this session's access to it on the very next request,
            # and only to it: with another business left the person goes on there (SECURITY.md 30).
            request.membership_ended = True
            if not any(membership_reaches_session(request, m) for m in active_memberships(person)):
                logout(request)
                messages.error(request, _("Your access has been blocked. Contact the business owner."))
                return redirect("account_login")
            messages.error(
                request,
                _("Your access to %(business)s has ended. Choose a business.") % {"business": employee.business},
            )
            return redirect("tenancy:select_business")
        return None

    @staticmethod
    def _attach(request, employee):
        request.employee = employee
        request.business = employee.business
