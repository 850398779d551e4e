"""Inbound e-mail: the writes (services) that turn one raw message into a ticket, a reply or a quarantine row.

`ingest_email` is the one entry point for every source (IMAP poll, mail-server pipe, file, retry).
Each message is stored once per Message-ID (a unique constraint, so two pollers racing store it once),
machine-sent mail is stored as ignored and never answered, and anything that cannot be handled is
kept raw in quarantine: nothing is lost.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from mailroom.language import guess_language
from mailroom.models import (
    AllowedSender,
    InboundEmail,
    InboundSource,
    InboundStatus,
    OutboundEmail,
    QuarantinedEmail,
    QuarantineStatus,
)
from mailroom.parsing import ParsedAttachment, ParsedEmail, UnparseableEmail, parse_email
from mailroom.quoting import split_quoted, split_quoted_html
from tickets import services as ticket_services
from tickets.html import html_to_text, sanitize_html
from tickets.models import Attachment, Channel, Customer, Message, MessageKind, Queue, Status, Ticket
from tickets.services_bulk import final_ticket

logger = logging.getLogger(__name__)

REFERENCE = re.compile(r"\bLAT-(\d{6,9})\b", re.I)
NO_TEXT = "(This e-mail has no text.)"


@dataclass
class IngestResult:
    outcome: str  # created | appended | ignored | duplicate | quarantined
    inbound: InboundEmail | None = None
    quarantined: QuarantinedEmail | None = None

    @property
    def stored(self) -> bool:
        """True when the message is safe in the database (an IMAP poll may then mark it)."""
        return self.inbound is not None or self.quarantined is not None


class _Duplicate(Exception):
    pass


def _queues_by_address() -> dict[str, Queue]:
    return {q.email_address.lower(): q for q in Queue.objects.exclude(email_address="")}


def _own_addresses(queues: dict[str, Queue]) -> set[str]:
    return set(queues) | {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}


def choose_queue(parsed: ParsedEmail, queues: dict[str, Queue] | None = None) -> Queue | None:
    """The queue whose address the mail was sent to (To, Cc, Delivered-To), else None (the default queue)."""
    queues = _queues_by_address() if queues is None else queues
    for address in parsed.recipients:
        if address in queues:
            return queues[address]
    return None


def find_ticket(parsed: ParsedEmail) -> Ticket | None:
    """The ticket a reply belongs to: In-Reply-To/References first (nearest first), then the subject's reference.

    A reference in the subject is only trusted from the ticket's customer or someone copied on the
    thread, so a stranger cannot write into another customer's ticket by guessing a number.
    """
    ids = parsed.thread_ids
    if ids:
        found: dict[str, int] = {}
        for mid, ticket_id in Message.objects.filter(email_message_id__in=ids).values_list(
            "email_message_id", "ticket_id"
        ):
            found.setdefault(mid, ticket_id)
        for mid, ticket_id in OutboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
            "message_id", "ticket_id"
        ):
            found.setdefault(mid, ticket_id)
        for mid, ticket_id in InboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
            "message_id", "ticket_id"
        ):
            found.setdefault(mid, ticket_id)
        for mid in ids:
            if mid in found:
                return Ticket.objects.select_related("customer", "queue").filter(pk=found[mid]).first()
    match = REFERENCE.search(parsed.subject or "")
    if match:
        ticket = Ticket.objects.select_related("customer", "queue").filter(pk=int(match.group(1))).first()
        if ticket is not None and _known_correspondent(ticket, parsed.from_email):
            return ticket
    return None


def _split(addresses: str) -> set[str]:
    return {a.lower() for _n, a in getaddresses([addresses or ""]) if "@" in a}


def copied_addresses(ticket: Ticket) -> set[str]:
    """Addresses the ticket's customer or an agent copied: the CC of agents' replies and of the
    customer's own e-mails (never of mail from anyone else, who could copy a stranger in)."""
    customer = ticket.customer.email.lower()
    found: set[str] = set()
    for cc in Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exclude(cc="").values_list("cc", flat=True):
        found |= _split(cc)
    for to, cc in InboundEmail.objects.filter(
        ticket=ticket, from_email__iexact=customer, status__in=[InboundStatus.CREATED, InboundStatus.APPENDED]
    ).values_list("to", "cc"):
        found |= _split(to) | _split(cc)
    return found - {customer}


def _known_correspondent(ticket: Ticket, address: str) -> bool:
    """Exact (case-insensitive) addresses only: `bob@example.co` is not `bob@example.com`."""
    address = (address or "").lower()
    if not address:
        return False
    return ticket.customer.email.lower() == address or address in copied_addresses(ticket)


def _keepable(attachments: list[ParsedAttachment]) -> tuple[list[ParsedAttachment], list[str]]:
    """Attachments within the size limit, and a note for each one dropped: the text is never lost for them."""
    limit = settings.ATTACHMENT_MAX_BYTES
    kept, notes = [], []
    for attachment in attachments:
        if not attachment.content:
            notes.append(f"The attachment “{attachment.filename}” was empty and was not kept.")
        elif attachment.size > limit:
            notes.append(
                f"The attachment “{attachment.filename}” ({filesizeformat(attachment.size)}) was not kept: "
                f"it is larger than the limit of {filesizeformat(limit)}."
            )
        else:
            kept.append(attachment)
    return kept, notes


def quarantine(*, raw: bytes, error: str, source: str, digest: str = "") -> QuarantinedEmail:
    """Keep a message we could not ingest, raw, for an admin to retry or discard. Stored once per content."""
    digest = digest or hashlib.sha256(raw).hexdigest()
    subject_hint = from_hint = ""
    head = raw[:16384].decode("utf-8", "replace")
    for line in head.splitlines():
        if not line.strip():
            break
        name, _sep, value = line.partition(":")
        if name.lower() == "subject" and not subject_hint:
            subject_hint = value.strip()[:300]
        elif name.lower() == "from" and not from_hint:
            from_hint = value.strip()[:300]
    with transaction.atomic():
        item, created = QuarantinedEmail.objects.select_for_update().get_or_create(
            digest=digest,
            defaults={
                "raw": raw,
                "error": error[:5000],
                "source": source,
                "subject_hint": subject_hint,
                "from_hint": from_hint,
            },
        )
        if not created and item.status == QuarantineStatus.HELD:
            item.attempts += 1
            item.error = error[:5000]
            item.save(update_fields=["attempts", "error"])
    logger.warning("E-mail quarantined (%s): %s", digest[:12], error)
    return item


def ingest_email(*, raw: bytes, source: str = InboundSource.PIPE) -> IngestResult:
    """Store one received e-mail and act on it: open a ticket, add to one, or ignore machine mail.

    Never raises for bad mail: what cannot be handled is quarantined. Must not run inside another
    transaction (it commits, so that an IMAP poll can mark the message only once it is stored).
    """
    limit = settings.INBOUND_MAX_BYTES
    if len(raw) > limit:
        return IngestResult("quarantined", quarantined=_quarantine_oversized(raw=raw, limit=limit, source=source))
    try:
        parsed = parse_email(raw)
    except UnparseableEmail as exc:
        return IngestResult("quarantined", quarantined=quarantine(raw=raw, error=str(exc), source=source))

    existing = _same_message(parsed, raw)
    if existing is not None:
        return IngestResult("duplicate", inbound=existing)
    try:
        with transaction.atomic():
            inbound = _store(parsed, raw=raw, source=source)
    except _Duplicate:
        return IngestResult("duplicate", inbound=_same_message(parsed, raw))
    except Exception as exc:  # noqa: BLE001 - anything unexpected: keep the mail, report, move on
        logger.exception("Could not ingest e-mail %s", parsed.message_id)
        return IngestResult(
            "quarantined",
            quarantined=quarantine(raw=raw, error=f"{type(exc).__name__}: {exc}", source=source),
        )
    return IngestResult(inbound.status, inbound=inbound)


def _same_message(parsed: ParsedEmail, raw: bytes) -> InboundEmail | None:
    """The stored copy of this very message: same Message-ID and same content (rows stored before the
    content digest existed compare their raw bytes)."""
    rows = InboundEmail.objects.filter(message_id=parsed.message_id)
    found = rows.filter(content_digest=parsed.content_digest).defer("raw").first()
    if found is None:
        for row in rows.filter(content_digest=""):
            if bytes(row.raw) == raw:
                return row
    return found


def _quarantine_oversized(*, raw: bytes, limit: int, source: str) -> QuarantinedEmail:
    """A message over INBOUND_MAX_BYTES is kept as its headers (who sent what, when), never dropped silently."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0][:65536]
    note = f"\n\n[Latitude kept only the headers: the message was {len(raw)} bytes, over the limit of {limit}.]\n"
    error = f"too large: {filesizeformat(len(raw))} (the limit is {filesizeformat(limit)}); only the headers were kept"
    return quarantine(raw=head + note.encode(), error=error, source=source, digest=hashlib.sha256(raw).hexdigest())


def _store(parsed: ParsedEmail, *, raw: bytes, source: str) -> InboundEmail:
    full_text = parsed.text or (html_to_text(sanitize_html(parsed.html)) if parsed.html else "")
    visible_text, quoted_text = split_quoted(full_text)
    visible_html = quoted_html = ""
    if parsed.html:
        raw_visible, raw_quoted = split_quoted_html(parsed.html)
        visible_html, quoted_html = sanitize_html(raw_visible), sanitize_html(raw_quoted) if raw_quoted else ""
    try:
        # The claim: a second copy of this Message-ID, even from a parallel poller, stops here.
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=parsed.message_id,
                content_digest=parsed.content_digest,
                source=source,
                status=InboundStatus.IGNORED,
                from_email=parsed.from_email[:254],
                from_name=parsed.from_name,
                to=", ".join(parsed.to),
                cc=", ".join(parsed.cc),
                subject=parsed.subject,
                sent_at=parsed.date,
                in_reply_to=" ".join(parsed.in_reply_to),
                references=" ".join(parsed.references),
                body_text=full_text,
                visible_text=visible_text,
                quoted_text=quoted_text,
                visible_html=visible_html,
                quoted_html=quoted_html,
                raw=raw,
            )
    except IntegrityError as exc:
        raise _Duplicate from exc

    queues = _queues_by_address()
    reason = parsed.automated
    if reason and _overridable(parsed) and AllowedSender.allows(parsed.from_email):
        reason = ""  # an admin allowed this sender: its notifications open tickets
    if not reason and parsed.from_email in _own_addresses(queues):
        reason = "Sent from one of Latitude's own addresses (a loop)"
    if reason:
        inbound.ignore_reason = reason[:200]
        inbound.save(update_fields=["ignore_reason"])
        logger.info("Ignored e-mail %s from %s: %s", parsed.message_id, parsed.from_email, reason)
        return inbound

    kept, notes = _keepable(parsed.attachments)
    body, body_html = full_text, parsed.html
    if notes:
        body = (body + "\n\n" if body else "") + "\n".join(f"[{n}]" for n in notes)
        if body_html:
            body_html += "".join(f"<p><em>[{n}]</em></p>" for n in notes)
    if not body.strip() and not (body_html and html_to_text(sanitize_html(body_html)).strip()):
        body = NO_TEXT
    files = [(a.filename, a.content, a.content_type) for a in kept]

    ticket = find_ticket(parsed)
    if ticket is not None and ticket.merged_into_id:
        # A reply to a merged ticket belongs to the ticket its thread joined.
        ticket = final_ticket(ticket)
    if ticket is not None and ticket.status == Status.CLOSED:
        notes.append(f"Follow-up to the closed ticket {ticket.reference}.")
        ticket = None
    if ticket is not None:
        message = ticket_services.add_customer_message(
            ticket=ticket,
            body=body,
            body_html=body_html,
            channel=Channel.EMAIL,
            email_message_id=parsed.message_id,
            attachments=files,
        )
        inbound.status = InboundStatus.APPENDED
    else:
        language = None
        if not Customer.objects.filter(email=parsed.from_email).exists():
            language = guess_language(f"{parsed.subject}\n{visible_text}")
        ticket = ticket_services.create_ticket(
            subject=parsed.subject.strip() or (visible_text.strip().splitlines() or ["(no subject)"])[0][:120],
            body=body,
            body_html=body_html,
            customer_email=parsed.from_email,
            customer_name=parsed.from_name,
            queue=choose_queue(parsed, queues),
            language=language,
            channel=Channel.EMAIL,
            email_message_id=parsed.message_id,
            attachments=files,
        )
        message = ticket.messages.order_by("id").first()
        inbound.status = InboundStatus.CREATED
        inbound.language = language or ""
    _set_content_ids(message, kept)
    inbound.ticket = ticket
    inbound.ticket_message = message
    inbound.notes = notes
    inbound.save(update_fields=["status", "ticket", "ticket_message", "notes", "language"])
    return inbound


def _overridable(parsed: ParsedEmail) -> bool:
    """An allow-list entry lifts the loop guard for notifications and noreply senders, never for bounces."""
    reason = parsed.automated.lower()
    return bool(parsed.from_email) and not any(w in reason for w in ("bounce", "delivery status", "null return"))


def open_ticket_from_ignored(*, inbound: InboundEmail, by) -> InboundEmail:
    """An admin decides an ignored e-mail deserves a ticket after all: it opens one, as if it had been a person's."""
    if inbound.status != InboundStatus.IGNORED:
        raise DomainError(_("Only ignored e-mail can be turned into a ticket."), field="status")
    if not inbound.from_email:
        raise DomainError(_("This e-mail has no sender address to answer."), field="from_email")
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if locked.status != InboundStatus.IGNORED:
            raise DomainError(_("Only ignored e-mail can be turned into a ticket."), field="status")
        parsed = parse_email(bytes(locked.raw))
        body = locked.body_text or (html_to_text(sanitize_html(parsed.html)) if parsed.html else "") or NO_TEXT
        kept, _notes = _keepable(parsed.attachments)
        ticket = ticket_services.create_ticket(
            subject=locked.subject.strip() or _("(no subject)"),
            body=body,
            body_html=parsed.html,
            customer_email=locked.from_email,
            customer_name=locked.from_name,
            queue=choose_queue(parsed),
            channel=Channel.EMAIL,
            by=by,
            email_message_id=locked.message_id,
            attachments=[(a.filename, a.content, a.content_type) for a in kept],
        )
        locked.status = InboundStatus.CREATED
        locked.ticket = ticket
        locked.ticket_message = ticket.messages.order_by("id").first()
        locked.save(update_fields=["status", "ticket", "ticket_message"])
    return locked


def allow_sender(*, pattern: str, by) -> AllowedSender:
    """An admin lets a sender (an address) or a whole domain past the loop guard."""
    pattern = (pattern or "").strip().lower().lstrip("@")
    if not pattern or " " in pattern or "." not in pattern.rsplit("@", 1)[-1]:
        raise DomainError(_("Give an e-mail address or a domain."), field="pattern")
    item, _created = AllowedSender.objects.get_or_create(pattern=pattern[:254], defaults={"created_by": by})
    return item


def _set_content_ids(message: Message, kept: list[ParsedAttachment]) -> None:
    """The ticket services store attachments in order; the inline images' Content-IDs are set here."""
    if not any(a.content_id for a in kept):
        return
    stored = list(Attachment.objects.filter(message=message).order_by("id"))
    changed = []
    for attachment, parsed in zip(stored, kept, strict=False):
        if parsed.content_id:
            attachment.content_id = parsed.content_id
            changed.append(attachment)
    Attachment.objects.bulk_update(changed, ["content_id"])


def retry_quarantined(*, item: QuarantinedEmail, by) -> IngestResult:
    """An admin retries a quarantined message (after a fix): stored, it leaves quarantine; failing, it stays."""
    if item.status != QuarantineStatus.HELD:
        raise DomainError(_("Only held messages can be retried."), field="status")
    result = ingest_email(raw=bytes(item.raw), source=InboundSource.RETRY)
    if result.inbound is not None:
        QuarantinedEmail.objects.filter(pk=item.pk, status=QuarantineStatus.HELD).update(
            status=QuarantineStatus.RELEASED, resolved_at=timezone.now(), resolved_by=by, inbound=result.inbound
        )
    item.refresh_from_db()
    return result


def discard_quarantined(*, item: QuarantinedEmail, by) -> QuarantinedEmail:
    """An admin decides a quarantined message needs nothing more; it stays listed as discarded."""
    updated = QuarantinedEmail.objects.filter(pk=item.pk, status=QuarantineStatus.HELD).update(
        status=QuarantineStatus.DISCARDED, resolved_at=timezone.now(), resolved_by=by
    )
    if not updated:
        raise DomainError(_("Only held messages can be discarded."), field="status")
    item.refresh_from_db()
    return item
