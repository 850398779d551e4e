"""Reference data that every page reads and few people change — queues, macros, custom fields, the
kinds of off-script action, discretion policies, staff lists — cached until one of its tables changes.

Each cached value names the models it is computed from. Saving or deleting a row of a watched model
(post_save, post_delete, m2m_changed; connected by `watch` in the apps' `ready()`) gives that model a
new generation in the cache, inside the transaction and again after it commits; the generations are
part of every key computed from the model, so the next read recomputes. Writes that skip signals
(`QuerySet.update`, `bulk_create`) call `changed(Model)` themselves; `TTL` bounds anything missed.
With several processes the cache must be shared (Redis: production requires REDIS_URL); the local
memory cache of a one-process development server is exact too.

Each process also keeps the values it has read, as pickled bytes (every read gets its own copy, as
from Redis), under the same full key. A key names the generations its value was computed from, so
the copy is exact until one of them moves; a generation is never missing or reused (a cache that
lost them, flushed or restarted, gets new random ones), so no copy outlives its key. The copies are
kept for at most LOCAL_TTL seconds and LOCAL_MAX keys: a change no signal announced is seen within
TTL + LOCAL_TTL.
"""

from __future__ import annotations

import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")
TTL = 600  # seconds: the backstop for a change no signal announced
_PREFIX = "refdata"
_watched: set[str] = set()
# Within a request (`request_scope`, entered by helpdesk.middleware.RefdataScopeMiddleware): every
# watched model's generation, read in one round trip at the first `cached` call and kept current by
# this process's own `changed`. A page that reads ten cached values then makes eleven cache calls,
# not twenty. Outside a request (workers, shells, tests calling selectors) nothing is kept.
_generations: ContextVar[dict[str, object] | None] = ContextVar("refdata_generations", default=None)
_IN_SCOPE: dict[str, object] = {}  # the marker of a scope whose generations are not read yet
LOCAL_TTL = TTL // 2
LOCAL_MAX = 1024
_local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
_local_lock = threading.Lock()


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _generation_key(label: str) -> str:
    return f"{_PREFIX}:gen:{label}"


def changed(*models_changed: type[models.Model]) -> None:
    """Every value computed from these models is recomputed at its next read (now and after commit)."""
    keys = [_generation_key(_label(m)) for m in models_changed]

    def bump() -> None:
        generation = uuid.uuid4().hex
        cache.set_many(dict.fromkeys(keys, generation), None)
        known = _generations.get()
        if known is not None and known is not _IN_SCOPE:
            known.update(dict.fromkeys(keys, generation))

    bump()
    transaction.on_commit(bump)


def _on_change(sender, **kwargs) -> None:
    changed(sender)


def watch(*watched: type[models.Model]) -> None:
    """Announce changes of these models (and of their many-to-many tables) to the cache; idempotent."""
    for model in watched:
        label = _label(model)
        if label in _watched:
            continue
        _watched.add(label)
        uid = f"refdata:{label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete", weak=False)
        for field in model._meta.many_to_many:
            through = field.remote_field.through

            def on_m2m(sender, _model=model, **kwargs) -> None:
                changed(_model, sender)

            m2m_changed.connect(on_m2m, sender=through, dispatch_uid=uid + f":m2m:{field.name}", weak=False)


def cached(name: str, depends_on: Iterable[type[models.Model]], compute: Callable[[], T]) -> T:
    """`compute()`'s value, cached under `name` until one of `depends_on` changes (see the module doc)."""
    labels = sorted(_label(m) for m in depends_on)
    missing = [label for label in labels if label not in _watched]
    if missing:
        raise RuntimeError(f"refdata.cached({name!r}): {', '.join(missing)} not watched (call refdata.watch)")
    generations = _scoped_generations()
    if generations is None:
        generations = _read_generations(labels)
    stamp = ".".join(str(generations[_generation_key(label)]) for label in labels)
    key = f"{_PREFIX}:{name}:{stamp}"
    now = time.monotonic()
    with _local_lock:
        copy = _local.get(key)
    if copy is not None and copy[0] > now:
        return pickle.loads(copy[1])  # bytes this process pickled itself
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _local_lock:
        _local[key] = (now + LOCAL_TTL, blob)
        _local.move_to_end(key)
        while len(_local) > LOCAL_MAX:
            _local.popitem(last=False)
    return value


def _read_generations(labels: Iterable[str]) -> dict[str, object]:
    """These labels' generations, by key. A label that has none yet (a fresh or flushed cache) gets a new
    random one, so that a stamp is never reused across a flush (the process copies rely on it)."""
    keys = [_generation_key(label) for label in labels]
    generations = cache.get_many(keys)
    missing = [key for key in keys if key not in generations]
    if not missing:
        return generations
    for key in missing:
        cache.add(key, uuid.uuid4().hex, None)  # another process may be first: read back what won
    return {**generations, **cache.get_many(missing)}


@contextmanager
def request_scope() -> Iterator[None]:
    """Read the generations once for everything inside (one request)."""
    token = _generations.set(_IN_SCOPE)
    try:
        yield
    finally:
        _generations.reset(token)


def _scoped_generations() -> dict[str, object] | None:
    known = _generations.get()
    if known is None:
        return None
    if known is _IN_SCOPE:
        known = _read_generations(sorted(_watched))
        _generations.set(known)
    return known


def choices(field, rows: list[tuple]) -> None:
    """Give a ModelChoiceField its options from cached (pk, label) rows: rendering it costs no query,
    and validating a submitted value still goes through the field's queryset."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = empty + list(rows)
