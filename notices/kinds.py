"""The registry of notice kinds. Each app registers its kinds in its `hooks.py`:

    notices.kinds.register("survey.low_rating", label=_("Low rating"), render=render_low_rating,
                           url=lambda notice: ..., email_default=True)

`render(notice) -> str` builds the text in the active language at display time from `notice.params`;
`url(notice) -> str` is where the notice leads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from notices.models import Notice


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: object  # a lazy translation
    render: Callable[[Notice], str]
    url: Callable[[Notice], str] | None = None
    email_default: bool = False


_kinds: dict[str, NoticeKind] = {}


def register(
    code: str,
    *,
    label: object,
    render: Callable[[Notice], str],
    url: Callable[[Notice], str] | None = None,
    email_default: bool = False,
) -> NoticeKind:
    kind = NoticeKind(code=code, label=label, render=render, url=url, email_default=email_default)
    _kinds[code] = kind
    return kind


def get(code: str) -> NoticeKind | None:
    return _kinds.get(code)


def all_kinds() -> list[NoticeKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
