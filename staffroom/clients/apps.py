"""App configuration for clients."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "staffroom.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from staffroom.core.exports import ExportKind, register_export_kind
        from staffroom.staff.catalogue import Perm

        from . import services

        register_export_kind(
            ExportKind(
                code="clients",
                label=_("Clients"),
                permissions=(Perm.CLIENTS_EXPORT,),
                build=services.clients_export_build,
                count=services.clients_export_count,
            )
        )
