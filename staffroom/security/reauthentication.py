"""Re-authentication before sensitive actions (SECURITY.md 10, 32): one check for pages and the API alike.

The rules, decided here and nowhere else:
- a page or an API call made with the session cookie needs a password (or second factor) confirmed within
  `REAUTHENTICATION_TIMEOUT_SECONDS`; a full sign-in (password and second factor) counts as such a confirmation
  (`sign_in_counts_as_recent`), so nobody types the password again a minute after signing in;
- a personal API token is a credential of its own, so its requests pass; in exchange, minting a token is itself an
  action that needs a recent authentication (the token routes use the same decorators), so a token never lets a
  session escape this check (SECURITY.md 32). A token minted by the API sign-in is minted by a full sign-in.
- changing one's second factors (and seeing new recovery codes) asks more of a token (SECURITY.md 10): a token
  holder could otherwise swap the person's factors without ever knowing the password. Such routes use
  `api_reauthentication_required(tokens_confirm=True)`: the token itself must have confirmed the password within
  the same timeout (`api_reauthenticate`, `POST /api/v1/security/reauthenticate`), as a session must.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.errors import ApplicationError, field_error


class ReauthenticationNeeded(ApplicationError):
    """The API's answer when a web session (the API cookie) has not confirmed the password recently."""

    status_code = 403
    default_message = _("Confirm your password (or second factor) first: this action needs a recent sign-in.")

    def __init__(self, message=None, **kwargs):
        super().__init__(
            message,
            extra={"code": "reauthentication_required", "reauthenticate_url": "/accounts/reauthenticate/"},
            **kwargs,
        )


class ReauthenticationThrottled(ApplicationError):
    status_code = 429


def _timeout():
    import datetime as dt

    return dt.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)


def token_confirmed_recently(token) -> bool:
    """The token (personal or operator) confirmed its person's password through the API within the timeout."""
    confirmed = getattr(token, "reauthenticated_at", None)
    return confirmed is not None and confirmed >= timezone.now() - _timeout()


def is_recently_authenticated(request, *, tokens_confirm: bool = False) -> bool:
    """A personal API token is a credential of its own (unless `tokens_confirm`: then it must have confirmed the
    password recently itself); a session must have confirmed within the timeout."""
    if getattr(request, "authenticated_by_token", False):
        return not tokens_confirm or token_confirmed_recently(getattr(request, "api_token", None))
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return not is_reauthentication_required(request, app="")


def sign_in_counts_as_recent(request, person) -> None:
    """A completed sign-in (every step passed) is a fresh authentication, for our checks and allauth's views alike."""
    record_authentication(request, person, method="sign_in", reauthenticated=True)


def require_recent_authentication(request) -> None:
    """Pages: raise allauth's signal, whose middleware keeps the request and sends the person to confirm."""
    if not is_recently_authenticated(request):
        raise ReauthenticationRequired()


def reauthentication_required(view=None, *, allow_get: bool = False):
    """Page decorator: a non-GET (or any, unless `allow_get`) request needs a recent authentication."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if not (allow_get and request.method == "GET"):
                require_recent_authentication(request)
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


def api_require_recent_authentication(request, *, tokens_confirm: bool = False) -> None:
    if not is_recently_authenticated(request, tokens_confirm=tokens_confirm):
        raise ReauthenticationNeeded()


def api_reauthentication_required(handler=None, *, tokens_confirm: bool = False):
    """API decorator: a token passes (with `tokens_confirm`, only one that confirmed the password recently); a
    session cookie without a recent authentication gets 403 and changes nothing."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            api_require_recent_authentication(request, tokens_confirm=tokens_confirm)
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(handler) if handler is not None else decorator


def api_reauthenticate(request, *, person, password: str) -> None:
    """Confirm the caller's password through the API: the token (or the session) counts as recently authenticated.

    The password goes through the same adapter as every sign-in, so it counts against the person's one failure
    budget (SECURITY.md 2); a wrong one is a 422 on `password` and confirms nothing.
    """
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        confirmed = get_adapter(request).authenticate(request, email=person.email, password=password)
    except DjangoValidationError as error:
        raise ReauthenticationThrottled(" ".join(error.messages)) from error
    if confirmed is None or confirmed.pk != person.pk:
        raise field_error("password", _("The password is not correct."))
    token = getattr(request, "api_token", None)
    if getattr(request, "authenticated_by_token", False) and token is not None:
        manager = type(token).objects
        tokens = manager.for_business(token.business_id) if hasattr(token, "business_id") else manager.all()
        tokens.filter(pk=token.pk).update(reauthenticated_at=timezone.now())
        token.reauthenticated_at = timezone.now()
    else:
        record_authentication(request, person, method="password", reauthenticated=True)
