"""Errors of the public booking flow, in the ApplicationError family."""

from django.utils.translation import gettext_lazy as _

from staffroom.core.errors import ApplicationError


class TooManyAttempts(ApplicationError):
    status_code = 429
    default_message = _("Too many booking attempts. Please try again later or call us.")
