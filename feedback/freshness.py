"""How fresh the satisfaction figures of a span of days are: one generation per UTC day of `sent_at`.

A report over a period (insights.selectors.dashboard) is cached under the generations of every day its
cohort can hold; anything that changes a survey sent on a day — a survey sent or answered, an off-script
action on its ticket, a reopening — gives that day a new generation (inside the change and again after
it commits), so the next read recomputes that period and only the periods that hold the day. Surveys
write through `post_save`/`post_delete` (hooks) or call `touch` where they update in bulk; later apps
call `touch_tickets` for what changes a ticket's surveys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

_PREFIX = "csat-day"
_KEEP = 60 * 60 * 24 * 400  # seconds a generation is kept: past any period's cache entry


def _key(day: dt.date) -> str:
    return f"{_PREFIX}:{day.isoformat()}"


def _days_of(moments: Iterable[dt.datetime | None]) -> set[dt.date]:
    return {m.astimezone(dt.UTC).date() for m in moments if m is not None}


def touch(moments: Iterable[dt.datetime | None]) -> None:
    """The figures of surveys sent at these instants (their UTC days) have changed."""
    keys = [_key(day) for day in _days_of(moments)]
    if not keys:
        return

    def bump() -> None:
        cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex), _KEEP)

    bump()
    transaction.on_commit(bump)


def touch_tickets(ticket_ids: Iterable[int]) -> None:
    """Something about these tickets changed what their surveys count (an off-script action, a reopening)."""
    from feedback.models import Survey

    ids = [i for i in ticket_ids if i is not None]
    if ids:
        touch(Survey.objects.filter(ticket_id__in=ids, sent_at__isnull=False).values_list("sent_at", flat=True))


def stamp(start: dt.datetime, end: dt.datetime) -> str:
    """The generations of every UTC day that overlaps [start, end): part of a cached report's key."""
    first, last = start.astimezone(dt.UTC).date(), (end - dt.timedelta(microseconds=1)).astimezone(dt.UTC).date()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    found = cache.get_many([_key(day) for day in days])
    joined = ".".join(str(found.get(_key(day), 0)) for day in days)
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def on_survey_saved(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a Survey: the day it was sent (a survey not sent yet counts nowhere)."""
    touch([instance.sent_at])
