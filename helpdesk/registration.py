"""The one helper apps use to hang their callables on an earlier app's registry (a list of hooks).

`ready()` may run twice in some test set-ups, so registering is idempotent."""

from __future__ import annotations

from collections.abc import Callable, MutableSequence


def register(registry: MutableSequence[Callable], *items: Callable) -> None:
    """Append each item to `registry` unless it is already there."""
    for item in items:
        if item not in registry:
            registry.append(item)
