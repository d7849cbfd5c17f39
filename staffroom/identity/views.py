"""Pages: the employee's personal API tokens; the language switch."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from staffroom.core.errors import ApplicationError
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.security.reauthentication import reauthentication_required
from staffroom.staff.permissions import EMPLOYEE, PUBLIC, permission_required

from . import selectors, services


@permission_required(EMPLOYEE)
@reauthentication_required(allow_get=True)  # SECURITY.md 32: a token never escapes the re-authentication check
@require_http_methods(["GET", "POST"])
def token_list(request):
    created = None
    if request.method == "POST":
        try:
            _token, created = services.api_token_create(actor=request.employee, name=request.POST.get("name", ""))
        except ApplicationError as error:
            messages.error(request, error.message)
    tokens = selectors.api_tokens_of(request.employee)
    return render(request, "identity/token_list.html", {"tokens": tokens, "created": created})


@permission_required(EMPLOYEE)
@require_POST
def token_revoke(request, token_id):
    token = get_for_business_or_404(selectors.api_tokens_of(request.employee), request.business, pk=token_id)
    services.api_token_revoke(actor=request.employee, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("identity:tokens")


@permission_required(PUBLIC)
@require_POST
def language_set(request):
    """The language switch: a cookie for this browser (Django's set_language) and, once signed in, the person's own
    setting, so the choice follows them to every device and survives signing out and in again."""
    language = request.POST.get("language", "")
    # A language that is not offered changes nothing here, as set_language ignores it too.
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.person_language_set(actor=request.user, language=language)
    return set_language(request)
