"""App configuration for security log."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "staffroom.security"
    label = "security"
    verbose_name = _("Security log")

    def ready(self) -> None:
        # allauth's MFA views (TOTP enrolment, passkeys) announce changes only through signals:
        # this is the one seam where their 2FA changes reach the security log.
        from allauth.account import signals as account_signals
        from allauth.mfa import signals

        from staffroom.core.api import person_has_second_factor

        from . import receivers
        from .authentication import has_second_factor

        person_has_second_factor.register(has_second_factor)

        signals.authenticator_added.connect(receivers.authenticator_added, dispatch_uid="sr_2fa_added")
        signals.authenticator_removed.connect(receivers.authenticator_removed, dispatch_uid="sr_2fa_removed")
        account_signals.password_reset.connect(receivers.password_reset, dispatch_uid="sr_password_reset_unlocks")
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        post_save.connect(receivers.operator_console_action, sender=LogEntry, dispatch_uid="sr_operator_console_action")

        from staffroom.core.exports import ExportKind, register_export_kind
        from staffroom.staff.catalogue import Perm

        from . import exports

        register_export_kind(
            ExportKind(
                code="security_log",
                label=_("Security log"),
                permissions=(Perm.SECURITY_EXPORT_LOG,),
                build=exports.security_log_export_build,
                count=exports.security_log_export_count,
            )
        )
