"""App configuration for people, sign-in and api tokens."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "staffroom.identity"
    label = "identity"
    verbose_name = _("People, sign-in and API tokens")

    def ready(self):
        # Core's API authentication is below identity: it asks identity who an API token belongs to.
        from staffroom.core.api import api_token_employee

        from .selectors import employee_for_api_token

        api_token_employee.register(employee_for_api_token)
