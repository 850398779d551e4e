"""Short, translated durations for the places where waiting time matters: "due in 2 h", "overdue 35 min",
"3 h ago". Whole units, rounded down, so a countdown never promises more time than is left."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _


def short_duration(delta: dt.timedelta) -> str:
    minutes = max(int(abs(delta.total_seconds()) // 60), 0)
    if minutes < 1:
        return _("under a minute")
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return _("%(n)d h") % {"n": hours}
    return _("%(n)d d") % {"n": hours // 24}


def countdown(due: dt.datetime, now: dt.datetime | None = None) -> str:
    """ "due in 2 h" or "overdue 35 min"."""
    left = due - (now or timezone.now())
    if left.total_seconds() <= 0:
        return _("overdue %(duration)s") % {"duration": short_duration(left)}
    return _("due in %(duration)s") % {"duration": short_duration(left)}


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """ "3 h ago"; a moment in the future (a clock skew) reads as "just now"."""
    passed = (now or timezone.now()) - when
    if passed.total_seconds() < 60:
        return _("just now")
    return _("%(duration)s ago") % {"duration": short_duration(passed)}
