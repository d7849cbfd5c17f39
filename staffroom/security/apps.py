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
        self._connect_cache_bumps(receivers)

    @staticmethod
    def _connect_cache_bumps(receivers) -> None:
        """The request guard's cache (staffroom.core.cache) hears of every change to what it holds."""
        from allauth.mfa.models import Authenticator
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from staffroom.staff.models import Employee, EmployeeInvitation, Role
        from staffroom.tenancy.models import Business

        from .models import SignedInSession, TwoFactorRequirement

        senders = [
            (Employee, receivers.employee_changed),
            (Role, receivers.business_row_changed),
            (TwoFactorRequirement, receivers.business_row_changed),
            (Business, receivers.business_changed),
            (get_user_model(), receivers.person_changed),
            (Authenticator, receivers.person_row_changed),
            (EmployeeInvitation, receivers.person_row_changed),
            (SignedInSession, receivers.person_row_changed),
        ]
        for sender, receiver in senders:
            for signal in (post_save, post_delete):
                signal.connect(
                    receiver, sender=sender, dispatch_uid=f"sr_cache_{signal is post_save}_{sender.__name__}"
                )
        m2m_changed.connect(
            receivers.role_branches_changed,
            sender=Employee.role_branches.through,
            dispatch_uid="sr_cache_role_branches",
        )
