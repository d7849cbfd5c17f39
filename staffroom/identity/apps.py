"""App configuration for people, sign-in and api tokens."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "staffroom.identity"
    label = "identity"
    verbose_name = _("People, sign-in and API tokens")
