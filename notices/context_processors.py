from functools import cache

from notices import selectors


def badge(request):
    """`notice_unread_count` for the menu's badge: one query, and only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread_count": cache(lambda: selectors.unread_count(user=user))}
