"""The registry of notice kinds. Each app registers its kinds in its `hooks.py`:

    notices.kinds.register("survey.low_rating", label=_("Low rating"), render=render_low_rating,
                           url=lambda notice: ..., email_default=True)

`render(notice) -> str` builds the text in the active language at display time from `notice.params`;
`url(notice) -> str` is where the notice leads; `email(notice) -> EmailCopy` (optional) names the
e-mail template and context of the kind's e-mail copy (without it the copy is the generic
`emails/notice-*` template with the rendered text and the link).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from notices.models import Notice


@dataclass(frozen=True)
class EmailCopy:
    """What a kind's e-mail copy is made of: a template name under `emails/`, its context, and for
    the outbox, the ticket it concerns and the outbound kind."""

    template: str
    context: dict = field(default_factory=dict)
    ticket: object | None = None
    mail_kind: str = "notification"


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: object  # a lazy translation
    render: Callable[[Notice], str]
    url: Callable[[Notice], str] | None = None
    email_default: bool = False
    email: Callable[[Notice], EmailCopy] | None = None


_kinds: dict[str, NoticeKind] = {}


def register(
    code: str,
    *,
    label: object,
    render: Callable[[Notice], str],
    url: Callable[[Notice], str] | None = None,
    email_default: bool = False,
    email: Callable[[Notice], EmailCopy] | None = None,
) -> NoticeKind:
    kind = NoticeKind(code=code, label=label, render=render, url=url, email_default=email_default, email=email)
    _kinds[code] = kind
    return kind


def get(code: str) -> NoticeKind | None:
    return _kinds.get(code)


def all_kinds() -> list[NoticeKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
