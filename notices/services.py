"""Every in-app notice is written here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from notices import kinds
from notices.models import Acknowledgement, EmailPreference, Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Called with each new notice whose person wants it by e-mail, inside the transaction that wrote it
# (mailroom registers its sender in its `hooks.py`: it stores the mail with the notice and sends it
# after commit); `notices` itself never imports the mail layer.
email_senders: list[Callable[[Notice], object]] = []


def target_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def wants_email(*, user: User, kind: str) -> bool:
    pref = EmailPreference.objects.filter(user=user, kind=kind).values_list("email", flat=True).first()
    if pref is not None:
        return pref
    registered = kinds.get(kind)
    return bool(registered and registered.email_default)


@transaction.atomic
def notify(*, user: User, kind: str, target: models.Model | None = None, params: dict | None = None) -> Notice:
    """Tell one person about something: an in-app notice, and an e-mail copy where they opted in."""
    notice = Notice.objects.create(user=user, kind=kind, target=target_of(target), params=params or {})
    if email_senders and user.email and wants_email(user=user, kind=kind):
        for send in list(email_senders):
            send(notice)
    return notice


def mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the person's notices read (all unread ones when `ids` is None); returns how many changed."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())


def mark_read_of_kind(*, user: User, prefix: str) -> int:
    """Mark read the person's unread notices whose kind starts with `prefix` (e.g. "survey.")."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True, kind__startswith=prefix)
    return qs.update(read_at=timezone.now())


def mark_target_read(*, target: models.Model, except_user: User | None = None) -> int:
    """What a notice announced is settled (e.g. a request decided): its unread notices become read."""
    qs = Notice.objects.filter(target=target_of(target), read_at__isnull=True)
    if except_user is not None:
        qs = qs.exclude(user=except_user)
    return qs.update(read_at=timezone.now())


def set_email_preference(*, user: User, kind: str, email: bool) -> None:
    EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": email})


@transaction.atomic
def acknowledge(*, user: User, target: models.Model) -> Acknowledgement:
    """A person confirms "read and understood" of the current version of content that asks them to."""
    from django.utils.translation import gettext as _

    from helpdesk.errors import DomainError
    from notices import acks

    source = acks.source_for(target)
    if source is None or not source.audience(target).filter(pk=user.pk).exists():
        raise DomainError(_("This does not ask you for an acknowledgement."), field="acknowledge")
    ack, _created = Acknowledgement.objects.get_or_create(
        user=user, target=target_of(target), version=source.version(target)
    )
    return ack
