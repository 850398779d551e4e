"""Reads that may come from a replica: dashboards and reports, and only them.

With DATABASE_REPLICA_URL set there is a `replica` database. Code that can live with data a few
seconds old (insights' dashboard and report selectors) runs inside `replica_reads()`; the router
then sends that block's reads there. Everything else — every write, every read in a request that
writes, anything inside a transaction on the primary — stays on `default`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections

_replica_reads = contextvars.ContextVar("latitude_replica_reads", default=False)

REPLICA = "replica"


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """In this block, ORM reads go to the replica when there is one (never inside a primary transaction)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(fn: Callable) -> Callable:
    @wraps(fn)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return fn(*args, **kwargs)

    return wrapper


def read_database() -> str:
    """The alias a read would use right now (for tests, the bench and the dashboard's footer)."""
    return ReplicaRouter().db_for_read(None) or "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not replica_configured():
            return None
        # Read-your-writes: a block already writing on the primary keeps reading there.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # same data, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
