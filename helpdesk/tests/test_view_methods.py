"""Every view declares the HTTP methods it answers (issue 11: no write on GET, methods declared).

Walks the URL conf: a function view of ours must be wrapped by `require_http_methods` (or
`require_GET` / `require_POST` / `require_safe`); a class-based view must allow a definite set
(`http_method_names`, or the handlers it defines). Django's and third-party views are theirs.
"""

from __future__ import annotations

import inspect

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

OUR_APPS = {
    name.split(".")[0]
    for name in settings.INSTALLED_APPS
    if not name.startswith(("django", "rest_framework", "drf_spectacular", "crispy", "template_partials", "axes"))
} | {"helpdesk", "bench"}
HANDLERS = {"get", "post", "put", "patch", "delete"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _declares_methods(view) -> list[str] | None:
    """The methods `require_http_methods` lets through, found anywhere in the decorator chain."""
    fn = view
    while fn is not None:
        code = getattr(fn, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = fn.__closure__[code.co_freevars.index("request_method_list")]
            return list(cell.cell_contents)
        fn = getattr(fn, "__wrapped__", None)
    return None


def _innermost(view):
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _ours(view) -> bool:
    target = getattr(view, "view_class", None) or getattr(view, "cls", None) or _innermost(view)
    return inspect.getmodule(target).__name__.split(".")[0] in OUR_APPS


def _allowed_by_class(view) -> set[str]:
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    actions = getattr(view, "actions", None)
    if actions:  # a DRF viewset routed with an explicit method → action mapping
        return set(actions)
    names = {m for m in cls.http_method_names if m in HANDLERS}
    return {m for m in names if callable(getattr(cls, m, None))}


def test_every_view_of_ours_declares_its_methods():
    undeclared, open_classes = [], []
    for route, view in _patterns(get_resolver()):
        if not _ours(view):
            continue
        if getattr(view, "view_class", None) or getattr(view, "cls", None):
            if not _allowed_by_class(view):
                open_classes.append(route)
            continue
        if _declares_methods(view) is None:
            undeclared.append(f"{route} ({_innermost(view).__module__}.{_innermost(view).__name__})")
    assert undeclared == [], "function views without require_http_methods/require_GET/require_POST: " + ", ".join(
        undeclared
    )
    assert open_classes == [], "class-based views with no handler: " + ", ".join(open_classes)


def test_the_walk_sees_the_declarations():
    """A guard on the guard: known views are found with their methods."""
    found = {route: view for route, view in _patterns(get_resolver())}
    assert _declares_methods(found["colleagues/announcements/<id:pk>/read/"]) == ["POST"]
    assert _declares_methods(found["colleagues/announcements/<id:pk>/"]) == ["GET"]
