"""Who may see mailroom's pages: admins read the local outbox and handle the quarantine."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tickets import access as ticket_access
from tickets.access import has_role
from tickets.models import Attachment, Role


def can_read_outbox(user) -> bool:
    """Admins only: the outbox holds every e-mail, survey and sign-in links included."""
    return has_role(user, Role.ADMIN)


def can_manage_quarantine(user) -> bool:
    return has_role(user, Role.ADMIN)


def check_outbox(user) -> None:
    if not can_read_outbox(user):
        raise PermissionDenied


def check_quarantine(user) -> None:
    if not can_manage_quarantine(user):
        raise PermissionDenied


def get_attachment_for_user(user, pk: int) -> Attachment:
    """An attachment exists for a user only if they may see its ticket (404 otherwise)."""
    return ticket_access.get_attachment_for_user(user, pk)
