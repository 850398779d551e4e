from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from notices import kinds
from notices.models import EmailPreference, Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def unread(*, user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, read_at__isnull=True)


def unread_count(*, user: User) -> int:
    return unread(user=user).count()


def notices_for(*, user: User, unread_only: bool = False, prefix: str = "") -> QuerySet[Notice]:
    """The person's notices, newest first; `prefix` keeps the kinds of one area (e.g. "offscript.")."""
    qs = Notice.objects.filter(user=user)
    if prefix:
        qs = qs.filter(kind__startswith=prefix)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def render(notice: Notice) -> str:
    """The notice's text in the active language (its kind's renderer; the code when unknown)."""
    kind = kinds.get(notice.kind)
    return kind.render(notice) if kind else notice.kind


def url(notice: Notice) -> str:
    kind = kinds.get(notice.kind)
    return kind.url(notice) if kind and kind.url else ""


def email_choices(*, user: User) -> list[tuple[kinds.NoticeKind, bool]]:
    """Every registered kind with whether this person gets it by e-mail (their choice, else the default)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))
    return [(kind, chosen.get(kind.code, kind.email_default)) for kind in kinds.all_kinds()]
