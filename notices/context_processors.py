from functools import cache

from notices import selectors


def badge(request):
    """`notice_unread_count` for the menu's badge: one query, and only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted with the other badges by the navigation processor, which runs first; the numbers live for
    # this render only.
    memo = request.__dict__.pop("_latitude_badges", None)
    counted = memo[1].get("notices.unread") if memo is not None and memo[0] == user.pk else None
    if counted is not None:
        return {"notice_unread_count": counted}
    return {"notice_unread_count": cache(lambda: selectors.unread_count(user=user))}


def badge_queries(user) -> dict:
    """tickets.hooks.badge_queries provider: the person's unread notices, counted with the other badges."""
    return {"notices.unread": selectors.unread(user=user)}
