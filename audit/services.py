"""The one writer of the audit trail."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from audit.context import current_actor
from audit.models import Action, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REDACTED = "[redacted]"
SECRET_FIELDS = {"password", "secret", "token", "token_hash", "key", "otp_secret"}
_encoder = DjangoJSONEncoder()


def jsonable(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    try:
        return _encoder.default(value)
    except TypeError:
        return str(value)


def snapshot(obj: models.Model) -> dict:
    """The object's own fields as JSON values (foreign keys as ids, secrets redacted)."""
    out = {}
    for field in obj._meta.concrete_fields:
        value = field.value_from_object(obj)
        if field.name in SECRET_FIELDS and value:
            # A short digest, never the value: enough to see that a secret changed.
            value = f"{REDACTED} {hashlib.sha256(str(value).encode()).hexdigest()[:8]}"
        out[field.attname] = jsonable(value)
    return out


def record(
    *,
    kind: str,
    action: str = Action.OTHER,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
    by: User | None = None,
) -> AuditEntry:
    """Append one entry; `by` defaults to the person behind the current request (None for jobs)."""
    actor = by if by is not None else current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else "",
        kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        data=jsonable(data or {}),
    )
