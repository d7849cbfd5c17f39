"""App configuration for people, sign-in and api tokens."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "staffroom.identity"
    label = "identity"
    verbose_name = _("People, sign-in and API tokens")

    def ready(self):
        # Core's API authentication is below identity: it asks identity who an API token belongs to.
        from staffroom.core.api import api_token_lookup, operator_token_lookup

        from .selectors import api_token_resolve, operator_token_resolve

        api_token_lookup.register(api_token_resolve)
        operator_token_lookup.register(operator_token_resolve)
