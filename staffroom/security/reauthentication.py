"""Re-authentication before sensitive actions (SECURITY.md 10, 32): one check for pages and the API alike.

The rules, decided here and nowhere else:
- a page or an API call made with the session cookie needs a password (or second factor) confirmed within
  `REAUTHENTICATION_TIMEOUT_SECONDS`; a full sign-in (password and second factor) counts as such a confirmation
  (`sign_in_counts_as_recent`), so nobody types the password again a minute after signing in;
- a personal API token is a credential of its own, so its requests pass; in exchange, minting a token is itself an
  action that needs a recent authentication (the token routes use the same decorators), so a token never lets a
  session escape this check (SECURITY.md 32). A token minted by the API sign-in is minted by a full sign-in.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.utils.translation import gettext_lazy as _

from staffroom.core.errors import ApplicationError


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


def is_recently_authenticated(request) -> bool:
    """A personal API token is a credential of its own; a session must have confirmed within the timeout."""
    if getattr(request, "authenticated_by_token", False):
        return True
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


def api_require_recent_authentication(request) -> None:
    if not is_recently_authenticated(request):
        raise ReauthenticationNeeded()


def api_reauthentication_required(handler):
    """API decorator: a token passes; a session cookie without a recent authentication gets 403 and changes nothing."""

    @wraps(handler)
    def wrapped(request, *args, **kwargs):
        api_require_recent_authentication(request)
        return handler(request, *args, **kwargs)

    return wrapped
