from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet

from notices import acks, kinds
from notices.models import Acknowledgement, EmailPreference, Notice
from notices.services import target_of

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


def acknowledgement_of(*, user: User, target: models.Model) -> Acknowledgement | None:
    """This person's acknowledgement of the target's current version, if they gave it."""
    source = acks.source_for(target)
    version = source.version(target) if source else 1
    return Acknowledgement.objects.filter(user=user, target=target_of(target), version=version).first()


def pending_for(user: User) -> list[models.Model]:
    """Everything that asks this person to confirm "read and understood" and that they have not
    confirmed in its current version: announcements, policy articles…"""
    pending: list[models.Model] = []
    for source in acks.all_sources():
        targets = list(source.required_of(user))
        if not targets:
            continue
        done = set(
            Acknowledgement.objects.filter(user=user, target__in=[target_of(t) for t in targets]).values_list(
                "target", "version"
            )
        )
        pending += [t for t in targets if (target_of(t), source.version(t)) not in done]
    return pending


def pending_links(user: User) -> list[dict]:
    """`pending_for` as links for a page: title, version and where to confirm."""
    return [
        {"title": str(t), "url": acks.source_for(t).url(t), "version": acks.source_for(t).version(t)}
        for t in pending_for(user)
    ]


def who_has_not(target: models.Model, department: models.Model | None = None) -> list[User]:
    """The people the target asks (optionally of one department) who have not confirmed its current version."""
    source = acks.source_for(target)
    if source is None:
        return []
    people = source.audience(target)
    if department is not None:
        people = people.filter(profile__department=department)
    confirmed = Acknowledgement.objects.filter(target=target_of(target), version=source.version(target)).values(
        "user_id"
    )
    return list(people.exclude(pk__in=confirmed).order_by("first_name", "username"))
