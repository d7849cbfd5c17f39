"""django-allauth glue: closed sign-up, generic sign-in failures, the failure budget, our second-factor stage."""

import base64
import hashlib
from functools import cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth import get_user_model


def person_can_sign_in(person) -> bool:
    """A platform operator, or an active employee of an active business. Nothing else reveals why not.

    Asked on every request of a signed-in session (the backend's `get_user`), so the part read from other tables is
    cached per person (staffroom.core.cache): employment, block, invitation and business changes bump it.
    """
    if not person.is_active:
        return False
    if person.is_staff:
        return True
    from django.utils import timezone

    from staffroom.core.cache import cached, person_scope

    employed, invited_until = cached(f"sign-in:{person.pk}", [person_scope(person.pk)], lambda: _ways_in(person))
    # Someone whose only way in is an open invitation signs in to accept it (and sees nothing else).
    return employed or (invited_until is not None and invited_until > timezone.now())


def _ways_in(person):
    """(active employee of an active business, until when the latest open invitation lasts)."""
    from django.db.models import Max

    employed = person.employments.filter(status="active", business__is_active=True).exists()
    if employed:
        return True, None
    invited_until = person.employee_invitations.filter(
        accepted_at__isnull=True, declined_at__isnull=True, business__is_active=True
    ).aggregate(until=Max("expires_at"))["until"]
    return False, invited_until


class StaffroomAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def _authenticate_unguarded(self, request, **credentials):
        # allauth hands back a user whose password matched even when the backend refused them (to show its
        # "inactive" page); a blocked employee must instead get the same answer as a wrong password.
        user = super().authenticate(request, **credentials)
        if user is not None and not person_can_sign_in(user):
            self.authentication_failed(request, **credentials)
            return None
        return user

    def authenticate(self, request, **credentials):
        """The password step, counted against the person's one failure budget (SECURITY.md 2)."""
        from staffroom.security.authentication import guarded_attempt

        email = (credentials.get("email") or credentials.get("username") or "").strip()
        person = get_user_model().objects.filter(email__iexact=email).first() if email else None
        if person is None:
            from django.db import transaction

            from staffroom.security.services import security_event_record

            user = self._authenticate_unguarded(request, **credentials)
            if user is None:
                # No account: logged on the platform chain with the IP only (the typed login may be a password).
                with transaction.atomic():
                    security_event_record(
                        event_type="sign_in.failed", outcome="failure", after={"step": "password", "account": "unknown"}
                    )
            return user
        found = []

        def check(_guard) -> bool:
            user = self._authenticate_unguarded(request, **credentials)
            if user is not None:
                found.append(user)
            return user is not None

        guarded_attempt(person=person, step="password", check=check, completes_sign_in=False)
        return found[0] if found else None

    def post_login(self, request, user, **kwargs):
        from staffroom.security.access import on_signed_in

        on_signed_in(request, user)
        return super().post_login(request, user, **kwargs)

    def logout(self, request) -> None:
        from staffroom.security.access import on_signed_out

        person = request.user if request.user.is_authenticated else None
        on_signed_out(request, person)
        super().logout(request)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # People have no allauth EmailAddress rows: their login e-mail is the address to notify.
        super().send_notification_mail(template_prefix, user, context, email or user.email)

    def get_login_stages(self) -> list[str]:
        # allauth's own MFA stage is replaced by ours: it adds the e-mail code, push approval and the per-account
        # budget, and the role policy's enrolment step.
        stages = [stage for stage in super().get_login_stages() if not stage.startswith("allauth.mfa.")]
        stages.append("staffroom.security.authentication.SecondFactorStage")
        return stages


class StaffroomAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and person_can_sign_in(user)


@cache
def _fernet() -> Fernet:
    key = hashlib.sha256(settings.MFA_ENCRYPTION_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


class StaffroomMFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (TOTP keys, recovery-code seeds) are encrypted with a key kept out of the database."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator) -> bool:
        from staffroom.security.authentication import second_factor_removable

        return second_factor_removable(authenticator.user, authenticator)
