"""django-allauth glue: closed sign-up (businesses create employees) and generic sign-in failures."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend


class StaffroomAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


class StaffroomAuthenticationBackend(AuthenticationBackend):
    """A person may sign in while they are a platform operator or an active employee of an active business.

    A blocked employee gets the same generic failure as a wrong password (nothing reveals the block).
    """

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if user.is_staff:
            return True
        return user.employments.filter(status="active", business__is_active=True).exists()
