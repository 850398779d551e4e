"""Who is acting: the request being served (set by `audit.middleware`), read when an entry is written."""

from __future__ import annotations

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_actor():
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return user
    return None
