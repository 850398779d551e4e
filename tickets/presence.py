"""Who else has a ticket open, and who is typing a reply: short-lived marks in the cache.

Each open ticket page refreshes its viewer's mark every ~10 s (htmx polling); a mark lives
PRESENCE_TTL seconds, so a closed tab disappears by itself. Redis in production, local memory otherwise.
"""

from __future__ import annotations

import time

from django.core.cache import cache

PRESENCE_TTL = 25
# A viewer counts as "replying" while their composer changed within this many seconds.
TYPING_TTL = 20


def _user_key(ticket_id: int, user_id: int) -> str:
    return f"tickets:presence:{ticket_id}:{user_id}"


def _index_key(ticket_id: int) -> str:
    return f"tickets:presence:{ticket_id}"


def touch(*, ticket_id: int, user, typing: bool = False) -> None:
    """Mark `user` as viewing (and maybe typing on) the ticket for the next PRESENCE_TTL seconds."""
    now = time.time()
    previous = cache.get(_user_key(ticket_id, user.pk)) or {}
    typing_at = now if typing else previous.get("typing_at", 0)
    cache.set(
        _user_key(ticket_id, user.pk),
        {"name": user.get_full_name() or user.get_username(), "at": now, "typing_at": typing_at},
        PRESENCE_TTL,
    )
    ids = set(cache.get(_index_key(ticket_id)) or ())
    if user.pk not in ids:
        ids.add(user.pk)
        cache.set(_index_key(ticket_id), sorted(ids), PRESENCE_TTL * 4)


def leave(*, ticket_id: int, user) -> None:
    cache.delete(_user_key(ticket_id, user.pk))


def others(*, ticket_id: int, user) -> list[dict]:
    """The other people on this ticket right now: [{"name", "typing"}], typists first."""
    ids = [pk for pk in cache.get(_index_key(ticket_id)) or () if pk != user.pk]
    if not ids:
        return []
    marks = cache.get_many([_user_key(ticket_id, pk) for pk in ids])
    now = time.time()
    people = [
        {"name": mark["name"], "typing": now - mark.get("typing_at", 0) < TYPING_TTL}
        for mark in marks.values()
        if now - mark["at"] < PRESENCE_TTL
    ]
    return sorted(people, key=lambda p: (not p["typing"], p["name"]))
