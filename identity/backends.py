"""Password sign-in with the LOCAL_PASSWORDS_FOR_STAFF rule applied for every caller (page, admin, API token)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from tickets.access import has_role, is_staff_member
from tickets.models import Role


def password_refused(user) -> bool:
    """With local passwords off, agents, leads and managers sign in only through the provider; admins keep
    their password (and its second factor) as the way in when the provider is down."""
    return not settings.LOCAL_PASSWORDS_FOR_STAFF and is_staff_member(user) and not has_role(user, Role.ADMIN)


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and password_refused(user):
            if request is not None:
                request.identity_password_refused = True  # the login form explains it
            return None
        return user
