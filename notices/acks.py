"""The one "read and understood" mechanism. An app whose content may require an acknowledgement
registers the model in its `hooks.py`:

    notices.acks.register(Announcement, required_of=..., audience=..., version=...)

- `required_of(user) -> QuerySet` — the content that asks this person to confirm it;
- `audience(target) -> QuerySet[User]` — everyone the content asks;
- `version(target) -> int` — the content's current version (a new version asks again; default 1);
- `url(target) -> str` — where the person reads and confirms it (the notices page links there).

Writes are `notices.services.acknowledge`; reads `notices.selectors.pending_for`,
`acknowledgement_of` and `who_has_not`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class AckSource:
    model: type[models.Model]
    required_of: Callable[[object], models.QuerySet]
    audience: Callable[[models.Model], models.QuerySet]
    version: Callable[[models.Model], int]
    url: Callable[[models.Model], str]


_sources: dict[str, AckSource] = {}


def _one(target: models.Model) -> int:
    return 1


def register(
    model: type[models.Model],
    *,
    required_of: Callable[[object], models.QuerySet],
    audience: Callable[[models.Model], models.QuerySet],
    url: Callable[[models.Model], str],
    version: Callable[[models.Model], int] = _one,
) -> None:
    """Idempotent: registering the same model again replaces its source."""
    _sources[model._meta.label_lower] = AckSource(model, required_of, audience, version, url)


def source_for(target: models.Model) -> AckSource | None:
    return _sources.get(target._meta.label_lower)


def all_sources() -> list[AckSource]:
    return list(_sources.values())
