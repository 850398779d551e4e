"""Webhook writes: subscriptions, the fan-out of events into delivery rows, and each delivery attempt."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from functools import partial
from typing import TYPE_CHECKING

import urllib3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from helpdesk.errors import DomainError
from notices.services import notify
from tickets.models import Role
from webhooks import network
from webhooks.models import Attempt, Delivery, DeliveryStatus, EventType, Webhook

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Latitude-Signature"
NOTICE_DISABLED = "webhooks.disabled"
ETA_MAX_SECONDS = 900  # longer waits are the sweeper's: an ETA past the broker's visibility timeout loops
SWEEP_BATCH = 2000
# Deliveries per task: their outcomes are written in one commit (one fsync for all of them).
TASK_BATCH = 25


class WebhookError(DomainError):
    pass


# --- subscriptions --------------------------------------------------------------------------------


def clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise WebhookError(_("Enter the URL that receives the events."), field="url")
    try:
        network.resolve(url)
    except network.UnsafeURL as exc:
        raise WebhookError(_("This URL cannot receive webhooks: %(why)s.") % {"why": exc}, field="url") from None
    return url


def clean_events(events: object) -> list[str]:
    if not isinstance(events, list) or not events:
        raise WebhookError(_("Choose at least one event."), field="events")
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        raise WebhookError(_("Unknown event “%(e)s”.") % {"e": unknown[0]}, field="events")
    return sorted(set(events))


@transaction.atomic
def create_webhook(*, by: User, url: str, events: list[str], description: str = "") -> Webhook:
    """A subscription to a public URL (or an allowed host), with a fresh secret for its signatures."""
    return Webhook.objects.create(
        url=clean_url(url),
        events=clean_events(events),
        description=(description or "")[:200],
        secret=secrets.token_hex(32),
        created_by=by,
    )


@transaction.atomic
def update_webhook(*, webhook: Webhook, by: User, changes: dict) -> Webhook:
    """Change URL, events, description or active; switching a disabled webhook on starts its count afresh."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if "url" in changes:
        webhook.url = clean_url(changes["url"])
    if "events" in changes:
        webhook.events = clean_events(changes["events"])
    if "description" in changes:
        webhook.description = (changes["description"] or "")[:200]
    if "active" in changes:
        active = bool(changes["active"])
        if active and not webhook.active:
            webhook.consecutive_failures = 0
            webhook.disabled_at = None
        webhook.active = active
    webhook.save()
    return webhook


@transaction.atomic
def delete_webhook(*, webhook: Webhook, by: User) -> None:
    """A deleted subscription takes its delivery log with it."""
    webhook.delete()


@transaction.atomic
def rotate_secret(*, webhook: Webhook, by: User) -> Webhook:
    """A new secret; deliveries from now on are signed with it."""
    webhook.secret = secrets.token_hex(32)
    webhook.save(update_fields=["secret"])
    return webhook


# --- fan-out --------------------------------------------------------------------------------------


def _body(*, delivery_id, event: str, created_at: dt.datetime, data: dict) -> str:
    payload = {"id": str(delivery_id), "event": event, "created_at": created_at.isoformat(), "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def emit(*, event: str, data: dict, created_at: dt.datetime | None = None) -> list[Delivery]:
    """One event for every active webhook that subscribed to it: delivery rows now, tasks after commit."""
    return emit_many([(event, data, created_at or timezone.now())])


def emit_many(items: list[tuple[str, dict, dt.datetime]]) -> list[Delivery]:
    """Many events `(event, data, created_at)` at once (a bulk change): what `emit` does for each, with one
    query for the webhooks and one INSERT for all the delivery rows."""
    if not items:
        return []
    hooks = list(Webhook.objects.filter(active=True).only("id", "events"))
    rows = []
    for event, data, created_at in items:
        retry_until = created_at + dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
        for hook in hooks:
            if event not in hook.events:
                continue
            delivery = Delivery(webhook_id=hook.pk, event=event, created_at=created_at, retry_until=retry_until)
            delivery.body = _body(delivery_id=delivery.id, event=event, created_at=created_at, data=data)
            delivery.next_attempt_at = created_at
            delivery.queued_at = timezone.now()
            rows.append(delivery)
    if not rows:
        return []
    with transaction.atomic():
        Delivery.objects.bulk_create(rows)
        _publish_after_commit([str(d.id) for d in rows])
    return rows


class _PendingPublish:
    """The deliveries one transaction made; published as TASK_BATCH-sized tasks once, when it commits."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        publish(self.ids)


def _publish_after_commit(ids: list[str]) -> None:
    # One callback per transaction, not per event: 1,000 events × 5 webhooks become 250 tasks, not 1,000.
    connection = transaction.get_connection()
    pending = next(
        (f for _sids, f, _robust in connection.run_on_commit if isinstance(f, _PendingPublish) and not f.done), None
    )
    if pending is None:
        pending = _PendingPublish()
        transaction.on_commit(pending)
    pending.ids.extend(ids)


def publish(delivery_ids: list[str], *, countdown: float | None = None) -> None:
    """Hand deliveries to the broker, TASK_BATCH ids per task; a broker that is down only delays them
    (the rows stay pending and due, and the sweeper re-queues them)."""
    from webhooks.tasks import deliver

    for start in range(0, len(delivery_ids), TASK_BATCH):
        try:
            deliver.apply_async(args=[delivery_ids[start : start + TASK_BATCH]], countdown=countdown)
        except Exception:  # noqa: BLE001
            log.warning("webhook deliveries not queued; the sweeper will pick them up", exc_info=True)
            return


# --- one attempt ----------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff_seconds(attempts: int) -> float:
    """Exponential back-off with jitter: base·2^(n-1), capped, drawn from [half, full] of it."""
    ceiling = min(settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def _claim(delivery_ids: list[str], now: dt.datetime) -> list[Delivery]:
    """Take the due, pending ones among `delivery_ids` (rows another worker holds are skipped): one commit."""
    with transaction.atomic():
        claimed = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(id__in=delivery_ids, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        )
        if claimed:
            Delivery.objects.filter(id__in=[d.id for d in claimed]).update(
                status=DeliveryStatus.SENDING, claimed_at=now
            )
    return claimed


def _excerpt(data: bytes | str) -> str:
    if isinstance(data, bytes):
        data = data[: network.EXCERPT_BYTES].decode("utf-8", errors="replace")
    return data[: network.EXCERPT_BYTES]


def _post(delivery: Delivery) -> tuple[Attempt, bool]:
    webhook = delivery.webhook
    body = delivery.body.encode()
    redelivery = delivery.delivered_at is not None
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Latitude-Webhooks/1",
        SIGNATURE_HEADER: sign(webhook.secret, body),
        "X-Latitude-Event": delivery.event,
        "X-Latitude-Delivery": str(delivery.id),
    }
    if redelivery:
        headers["X-Latitude-Redelivery"] = "1"
    status_code, response_body, error = None, b"", ""
    started_at, started = timezone.now(), time.perf_counter()
    try:
        response = network.post(webhook.url, body=body, headers=headers)
        status_code, response_body = response.status, response.body
    except network.UnsafeURL as exc:
        error = f"refused: {exc}"
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    ok = status_code is not None and 200 <= status_code < 300
    attempt = Attempt(
        delivery=delivery,
        number=delivery.attempts + 1,
        started_at=started_at,
        duration_ms=int((time.perf_counter() - started) * 1000),
        status_code=status_code,
        ok=ok,
        error=error[:500],
        redelivery=redelivery,
        request_excerpt="".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n" + _excerpt(body),
        response_excerpt=_excerpt(response_body),
    )
    return attempt, ok


def attempt_deliveries(*, delivery_ids: list[str]) -> dict[str, str]:
    """Send due deliveries once each: claim them (what another worker has, or what is done, is skipped),
    POST each, then record every attempt and outcome in one commit. Returns {id: new status}."""
    now = timezone.now()
    claimed = _claim(delivery_ids, now)
    if not claimed:
        return {}
    outcome: dict[str, str] = {}
    cancelled = [d.id for d in claimed if not d.webhook.active]
    results = [(d, *_post(d)) for d in claimed if d.webhook.active]
    finished = timezone.now()
    with transaction.atomic():
        if cancelled:
            Delivery.objects.filter(id__in=cancelled).update(status=DeliveryStatus.CANCELLED)
            outcome.update({str(i): DeliveryStatus.CANCELLED for i in cancelled})
        Attempt.objects.bulk_create([attempt for _d, attempt, _ok in results])
        delivered: dict[int | None, list] = {}
        for delivery, attempt, ok in results:
            if ok:
                delivered.setdefault(attempt.status_code, []).append(delivery)
                outcome[str(delivery.id)] = DeliveryStatus.DELIVERED
            else:
                outcome[str(delivery.id)] = _failed(
                    delivery=delivery, number=attempt.number, status_code=attempt.status_code, now=finished
                )
        # One UPDATE per status code for the successes (usually one): fewer statements in the commit.
        for status_code, deliveries in delivered.items():
            Delivery.objects.filter(id__in=[d.id for d in deliveries]).update(
                status=DeliveryStatus.DELIVERED,
                attempts=F("attempts") + 1,
                delivered_at=finished,
                last_status_code=status_code,
            )
        succeeded_hooks = {d.webhook_id for ds in delivered.values() for d in ds if d.webhook.consecutive_failures}
        if succeeded_hooks:
            Webhook.objects.filter(pk__in=succeeded_hooks, consecutive_failures__gt=0).update(consecutive_failures=0)
    return outcome


def attempt_delivery(*, delivery_id: str) -> str | None:
    """One delivery (see `attempt_deliveries`); None when it was not due or someone else has it."""
    return attempt_deliveries(delivery_ids=[delivery_id]).get(str(delivery_id))


def _failed(*, delivery: Delivery, number: int, status_code: int | None, now: dt.datetime) -> str:
    wait = backoff_seconds(number)
    next_at = now + dt.timedelta(seconds=wait)
    give_up = next_at > delivery.retry_until
    Delivery.objects.filter(id=delivery.id).update(
        status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
        attempts=number,
        last_status_code=status_code,
        next_attempt_at=next_at,
        queued_at=now if not give_up and wait <= ETA_MAX_SECONDS else None,
    )
    _count_failure(delivery.webhook_id, now)
    if give_up:
        return DeliveryStatus.FAILED
    if wait <= ETA_MAX_SECONDS:
        transaction.on_commit(partial(publish, [str(delivery.id)], countdown=wait))
    return DeliveryStatus.PENDING


def _count_failure(webhook_id: int, now: dt.datetime) -> None:
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    with transaction.atomic():
        disabled = Webhook.objects.filter(pk=webhook_id, active=True, consecutive_failures__gte=limit).update(
            active=False, disabled_at=now
        )
        if disabled:
            webhook = Webhook.objects.get(pk=webhook_id)
            audit.record(
                kind="webhook.disabled",
                action="update",
                obj=webhook,
                before={"active": True},
                after={"active": False},
                data={"consecutive_failures": webhook.consecutive_failures},
            )
            for admin in admins():
                notify(
                    user=admin,
                    kind=NOTICE_DISABLED,
                    target=webhook,
                    params={"url": webhook.url, "failures": webhook.consecutive_failures},
                )


def admins() -> QuerySet[User]:
    User = get_user_model()
    return User.objects.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True), is_active=True).distinct()


@transaction.atomic
def redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Send a delivery again now, with a fresh retry window; one already delivered goes out marked as a redelivery."""
    now = timezone.now()
    updated = (
        Delivery.objects.filter(id=delivery.id)
        .exclude(status=DeliveryStatus.SENDING)
        .update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            retry_until=now + dt.timedelta(hours=settings.WEBHOOK_RETRY_HOURS),
            queued_at=now,
        )
    )
    if not updated:
        raise WebhookError(_("This delivery is being sent right now."), field="delivery")
    transaction.on_commit(partial(publish, [str(delivery.id)]))
    delivery.refresh_from_db()
    return delivery


def sweep(*, now: dt.datetime | None = None) -> int:
    """Re-queue deliveries that are due and not on their way, and those a dead worker left 'sending'."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.WEBHOOK_STUCK_AFTER_SECONDS)
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now
    )
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:SWEEP_BATCH]
        )
        Delivery.objects.filter(id__in=ids).update(queued_at=now)
    publish([str(i) for i in ids])
    return len(ids)
