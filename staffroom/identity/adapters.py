"""django-allauth glue: closed sign-up (businesses create employees) and generic sign-in failures."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend


def person_can_sign_in(person) -> bool:
    """A platform operator, or an active employee of an active business. Nothing else reveals why not."""
    if not person.is_active:
        return False
    if person.is_staff:
        return True
    return person.employments.filter(status="active", business__is_active=True).exists()


class StaffroomAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def authenticate(self, request, **credentials):
        # allauth hands back a user whose password matched even when the backend refused them (to show its
        # "inactive" page); a blocked employee must instead get the same answer as a wrong password.
        user = super().authenticate(request, **credentials)
        if user is not None and not person_can_sign_in(user):
            self.authentication_failed(request, **credentials)
            return None
        return user


class StaffroomAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and person_can_sign_in(user)
