"""App configuration for businesses and branches."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "staffroom.tenancy"
    label = "tenancy"
    verbose_name = _("Businesses and branches")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_signed_in_at_stamp

        user_logged_in.connect(session_signed_in_at_stamp, dispatch_uid="sr_session_signed_in_at")
