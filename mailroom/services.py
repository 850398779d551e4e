"""The one sending path for every e-mail (replies, surveys, notifications).

`queue_email` stores the mail and queues its task after commit. `send_outbound` claims the row with
a conditional UPDATE, sends, and marks it sent, so a mail is never sent twice by two workers; a
failure puts it back in the queue with back-off, and `sweep_outbound` re-queues anything due or stuck.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone

from mailroom import hooks
from mailroom import secrets as mail_secrets
from mailroom.models import DeliveryStatus, OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
STUCK_AFTER = dt.timedelta(minutes=10)
SWEEP_BATCH = 500


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … capped at an hour (the base is settings.MAIL_RETRY_BASE_SECONDS, read at call time)."""
    base = getattr(settings, "MAIL_RETRY_BASE_SECONDS", 30)
    return dt.timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


def stuck_after() -> dt.timedelta:
    """How long a row may stay "sending" before the sweeper decides its worker died."""
    seconds = getattr(settings, "MAIL_STUCK_AFTER_SECONDS", None)
    return STUCK_AFTER if seconds is None else dt.timedelta(seconds=seconds)


def new_message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "latitude.local"
    return make_msgid(domain=domain)


def enqueue(outbound_id: int, countdown: float | None = None) -> None:
    """Hand a mail to Celery. A broker that is down loses nothing: the sweeper picks the row up later."""
    from mailroom.tasks import send_outbound_task

    try:
        send_outbound_task.apply_async((outbound_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - any broker failure; the row stays queued for the sweeper
        logger.warning("Broker unavailable; outbound e-mail %s left for the sweeper", outbound_id, exc_info=True)


_enqueue = enqueue  # queue_email's keyword `enqueue` shadows the function inside it


def queue_email(
    *,
    to: list[str] | str,
    subject: str,
    body_text: str,
    body_html: str = "",
    kind: str = "other",
    cc: list[str] | None = None,
    from_email: str | None = None,
    headers: dict | None = None,
    message_id: str | None = None,
    language: str = "en",
    ticket=None,
    ticket_message=None,
    send_after: dt.datetime | None = None,
    enqueue: bool = True,
    secrets: list[str] | None = None,
) -> OutboundEmail:
    """Store an e-mail to send and queue its sending once the surrounding transaction commits.

    enqueue=False: the caller sends it itself after commit (e.g. `send_outbound_batch` on one SMTP
    connection); the sweeper still picks it up if the caller never does. `secrets` (tokens in links):
    stored sealed, never in the clear (see mailroom.secrets)."""
    recipients = [to] if isinstance(to, str) else list(to)
    secrets = [s for s in (secrets or []) if s]
    if secrets:
        body_text = mail_secrets.redact(body_text, secrets)
        body_html = mail_secrets.redact(body_html, secrets)
        headers = {k: mail_secrets.redact(str(v), secrets) for k, v in (headers or {}).items()}
    outbound = OutboundEmail.objects.create(
        kind=kind,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=", ".join(recipients),
        cc=", ".join(cc or []),
        subject=subject.replace("\n", " ").replace("\r", " ")[:998],
        body_text=body_text,
        body_html=body_html,
        headers=headers or {},
        sealed_secrets=mail_secrets.seal(secrets),
        message_id=message_id or new_message_id(),
        language=language,
        ticket=ticket,
        ticket_message=ticket_message,
        next_attempt_at=send_after or timezone.now(),
    )
    if enqueue and (send_after is None or send_after <= timezone.now()):
        transaction.on_commit(partial(_enqueue, outbound.pk))
    return outbound


def build_message(outbound: OutboundEmail, connection=None) -> EmailMultiAlternatives:
    sealed = outbound.sealed_secrets
    headers = {
        "Message-ID": outbound.message_id,
        **{k: mail_secrets.unseal_text(str(v), sealed) for k, v in outbound.headers.items()},
    }
    body_text = mail_secrets.unseal_text(outbound.body_text, sealed)
    body_html = mail_secrets.unseal_text(outbound.body_html, sealed) if outbound.body_html else ""
    for render in hooks.outbound_renderers:
        body_text, body_html = render(outbound, body_text, body_html)
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=body_text,
        from_email=outbound.from_email,
        to=outbound.recipients,
        cc=outbound.cc_list,
        headers=headers,
        connection=connection,
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


def claim(outbound_id: int) -> bool:
    """Take the row for sending; False when another worker has it or it is already done."""
    now = timezone.now()
    return bool(
        OutboundEmail.objects.filter(pk=outbound_id, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).update(
            status=DeliveryStatus.SENDING, claimed_at=now
        )
    )


class TransientSendError(Exception):
    """The mail server could not take the message now; it will be retried."""

    def __init__(self, message: str, retry_in: dt.timedelta):
        super().__init__(message)
        self.retry_in = retry_in


def send_outbound(*, outbound_id: int, connection=None) -> bool:
    """Send one queued e-mail exactly once. Returns True when this call sent it."""
    if not claim(outbound_id):
        return False
    return _deliver(OutboundEmail.objects.get(pk=outbound_id), connection=connection)


def _deliver(outbound: OutboundEmail, *, connection=None) -> bool:
    """Send a row this worker has claimed; record success, or failure with back-off."""
    outbound_id = outbound.pk
    try:
        build_message(outbound, connection=connection).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - SMTP, socket and DNS errors all mean "try later"
        attempts = outbound.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        delay = backoff(attempts)
        OutboundEmail.objects.filter(pk=outbound_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + delay,
            claimed_at=None,
        )
        if failed:
            logger.error("Giving up on outbound e-mail %s after %s attempts", outbound_id, attempts)
            return False
        raise TransientSendError(str(exc), delay) from exc
    OutboundEmail.objects.filter(pk=outbound_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=outbound.attempts + 1, last_error=""
    )
    return True


def sweep_outbound(*, now: dt.datetime | None = None) -> int:
    """Re-queue what is due and unsent, and release rows a dead worker left half-sent."""
    now = now or timezone.now()
    OutboundEmail.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - stuck_after()).update(
        status=DeliveryStatus.QUEUED, claimed_at=None
    )
    due = list(
        OutboundEmail.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for outbound_id in due:
        enqueue(outbound_id)
    return len(due)


def claim_many(outbound_ids: list[int]) -> list[OutboundEmail]:
    """Take many rows for sending at once; returns those this call took (others have them or are done)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=outbound_ids, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING, claimed_at=now
        )
    order = {pk: i for i, pk in enumerate(outbound_ids)}
    return sorted(OutboundEmail.objects.filter(pk__in=ids), key=lambda o: order[o.pk])


def _still_ours(outbound: OutboundEmail) -> bool:
    """Renew this batch's claim on one row just before sending it; False when the sweeper released it
    meanwhile (a batch slower than stuck_after must not send what another worker now owns)."""
    now = timezone.now()
    renewed = OutboundEmail.objects.filter(
        pk=outbound.pk, status=DeliveryStatus.SENDING, claimed_at=outbound.claimed_at
    ).update(claimed_at=now)
    outbound.claimed_at = now
    return bool(renewed)


def send_outbound_batch(*, outbound_ids: list[int]) -> int:
    """Send many queued e-mails over one SMTP connection: claimed together, each marked sent as it goes.

    A mail that fails is recorded on its row with back-off and re-queued as its own task for then
    (the sweeper covers a broker that is down). Returns how many this call sent."""
    from django.core.mail import get_connection

    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        for outbound in claim_many(list(outbound_ids)):
            if getattr(connection, "connection", True) is None:
                try:  # kept open across the batch (send_messages would open and close one per mail)
                    connection.open()
                except Exception:  # noqa: BLE001 - the mail server is down: each send below records it
                    pass
            if not _still_ours(outbound):
                continue  # the sweeper took it back (this batch ran past stuck_after): its new owner sends it
            try:
                sent += _deliver(outbound, connection=connection)
            except TransientSendError as exc:
                connection.close()  # a broken connection must not fail the rest of the batch
                enqueue(outbound.pk, countdown=exc.retry_in.total_seconds())
    finally:
        connection.close()
    return sent
