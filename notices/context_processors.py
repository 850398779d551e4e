from functools import cache

from notices import selectors


def badge(request):
    """`notice_unread_count` for the menu's badge: one query, and only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread_count": cache(lambda: _unread(request, user))}


def _unread(request, user) -> int:
    counted = getattr(request, "_latitude_badges", {}).get("notices.unread")
    return selectors.unread_count(user=user) if counted is None else counted


def badge_queries(user) -> dict:
    """tickets.hooks.badge_queries provider: the person's unread notices, counted with the other badges."""
    return {"notices.unread": selectors.unread(user=user)}
