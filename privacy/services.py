"""Privacy: export everything about a customer, erase a customer, and the attachment retention job.

Erasure keeps what the reports count — tickets, their statuses, queues, times, ratings, money — and removes
what identifies or describes the person: names, addresses, subjects, message text, attachments, survey
comments, notes to the customer and the mail logs' copies. The customer row stays (the tickets point at it)
under an address that can never receive mail again, so the same address writing again is a new customer."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from agents.models import OffscriptAction
from audit import services as audit
from feedback.models import Survey, SurveyOptOut
from mailroom.models import InboundEmail, OutboundEmail, OutboxMessage, QuarantinedEmail
from portal.models import SignInLink
from privacy import selectors
from tickets.models import Attachment, Customer, Message, Status, Ticket, TicketEvent
from webhooks.models import Attempt, Delivery

ERASED = "[erased]"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never deliverable
EXPORT_FORMAT = 1


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def export_data(customer: Customer) -> dict:
    """The archive's data.json: the customer, and per ticket its messages, attachments, surveys and actions."""
    messages_by_ticket: dict[int, list] = {}
    for message in selectors.customer_messages(customer).prefetch_related("attachments"):
        messages_by_ticket.setdefault(message.ticket_id, []).append(
            {
                "id": message.pk,
                "kind": message.kind,
                "author": _user(message.author),
                "created_at": message.created_at,
                "channel": message.channel,
                "body": message.body,
                "body_html": message.body_html,
                "cc": message.cc,
                "attachments": [
                    {
                        "id": a.pk,
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                        "path": _archive_path(a),
                    }
                    for a in message.attachments.all()
                ],
            }
        )
    surveys_by_ticket: dict[int, list] = {}
    for survey in selectors.customer_surveys(customer):
        surveys_by_ticket.setdefault(survey.ticket_id, []).append(
            {
                "id": survey.pk,
                "status": survey.status,
                "sent_at": survey.sent_at,
                "answered_at": survey.answered_at,
                "rating": survey.rating,
                "comment": survey.comment,
                "low_reason": survey.low_reason,
            }
        )
    actions_by_ticket: dict[int, list] = {}
    for action in selectors.customer_offscript_actions(customer):
        actions_by_ticket.setdefault(action.ticket_id, []).append(
            {
                "id": action.pk,
                "kind": action.kind.slug,
                "amount": action.amount,
                "currency": action.currency,
                "reason": action.reason,
                "customer_note": action.customer_note,
                "status": action.status,
                "created_at": action.created_at,
                "decided_at": action.decided_at,
            }
        )
    tickets = [
        {
            "id": t.pk,
            "reference": t.reference,
            "subject": t.subject,
            "status": t.status,
            "priority": t.priority,
            "queue": t.queue.name,
            "channel": t.channel,
            "language": t.language,
            "created_at": t.created_at,
            "solved_at": t.solved_at,
            "closed_at": t.closed_at,
            "fields": t.fields,
            "messages": messages_by_ticket.get(t.pk, []),
            "surveys": surveys_by_ticket.get(t.pk, []),
            "offscript_actions": actions_by_ticket.get(t.pk, []),
        }
        for t in selectors.customer_tickets(customer)
    ]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "email": customer.email,
            "language": customer.language,
            "organisation": customer.organisation,
            "notes": customer.notes,
            "created_at": customer.created_at,
            "survey_opt_out": SurveyOptOut.objects.filter(customer=customer).exists(),
        },
        "tickets": tickets,
    }


def _archive_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.message.ticket_id}/{attachment.message_id}/{attachment.pk}-{attachment.filename}"


def export_customer(*, customer: Customer, by: User, out: IO[bytes]) -> int:
    """Everything about a customer as one ZIP (data.json plus the attachment files) written to `out`;
    recorded in the audit trail (reading someone's whole record is itself worth knowing). Returns the files."""
    data = export_data(customer)
    files = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for attachment in selectors.customer_attachments(customer).select_related("message"):
            try:
                with attachment.file.open("rb") as source, archive.open(_archive_path(attachment), "w") as target:
                    for chunk in iter(lambda: source.read(1024 * 1024), b""):
                        target.write(chunk)
                files += 1
            except (FileNotFoundError, OSError):
                continue  # a file already removed (retention) is listed in data.json but not in the archive
    audit.record(
        kind="customer.export",
        object_type="tickets.customer",
        object_id=str(customer.pk),
        object_repr=f"customer #{customer.pk}",
        data={"tickets": len(data["tickets"]), "files": files},
        by=by,
    )
    return files


def _delete_files(attachments) -> tuple[int, int]:
    """Delete the stored files after the transaction commits (a rollback must not lose them)."""
    names = [(a.file.storage, a.file.name, a.size) for a in attachments if a.file]
    total = sum(size for _s, _n, size in names)

    def remove():
        for storage, name, _size in names:
            try:
                storage.delete(name)
            except OSError:
                pass

    transaction.on_commit(remove)
    return len(names), total


@transaction.atomic
def erase_customer(*, customer: Customer, by: User) -> dict:
    """Remove a customer's personal data everywhere, keeping counts, ratings and amounts for the reports."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    address = customer.email.lower()
    tickets = Ticket.objects.filter(customer=customer)
    ticket_ids = list(tickets.values_list("id", flat=True))
    counts = {"tickets": len(ticket_ids)}

    attachments = list(Attachment.objects.filter(message__ticket_id__in=ticket_ids))
    counts["attachments"], counts["attachment_bytes"] = _delete_files(attachments)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    counts["messages"] = Message.objects.filter(ticket_id__in=ticket_ids).update(
        body=ERASED, body_html="", cc="", email_message_id=""
    )
    tickets.update(subject=ERASED, search_document="", fields={})
    # History rows keep their kind and time; the values they carry may quote the person (addresses, subjects).
    TicketEvent.objects.filter(
        ticket_id__in=ticket_ids, kind__in=["email", "field", "other", "merged", "split"]
    ).update(old_value="", new_value="", data={})
    counts["surveys"] = Survey.objects.filter(customer=customer).update(comment="")
    SurveyOptOut.objects.filter(customer=customer).delete()
    counts["offscript_actions"] = OffscriptAction.objects.filter(ticket_id__in=ticket_ids).update(
        reason=ERASED, customer_note="", decision_note=""
    )
    SignInLink.objects.filter(customer=customer).delete()

    # Mail logs: every copy sent to or received from the person, by ticket or by address.
    inbound = InboundEmail.objects.filter(Q(ticket_id__in=ticket_ids) | Q(from_email__iexact=address))
    counts["inbound_emails"] = inbound.update(
        from_email="",
        from_name="",
        to="",
        cc="",
        subject=ERASED,
        body_text="",
        visible_text="",
        quoted_text="",
        visible_html="",
        quoted_html="",
        references="",
        in_reply_to="",
        raw=b"",
        notes=[],
    )
    outbound = OutboundEmail.objects.filter(Q(ticket_id__in=ticket_ids) | Q(to__icontains=address))
    counts["outbound_emails"] = outbound.update(
        to="", cc="", subject=ERASED, body_text="", body_html="", headers={}, sealed_secrets=""
    )
    counts["outbox_messages"] = OutboxMessage.objects.filter(recipients__icontains=address).update(
        recipients="", subject=ERASED, raw=""
    )
    counts["quarantined_emails"] = QuarantinedEmail.objects.filter(from_hint__icontains=address).update(
        raw=b"", subject_hint=ERASED, from_hint=""
    )

    counts["webhook_deliveries"] = _erase_webhook_deliveries(
        email=customer.email, replacement=_erased_address(customer)
    )

    customer.name = ""
    customer.organisation = ""
    customer.notes = ""
    customer.email = _erased_address(customer)
    customer.save(update_fields=["name", "organisation", "notes", "email"])
    audit.record(
        kind="customer.erase",
        object_type="tickets.customer",
        object_id=str(customer.pk),
        object_repr=f"customer #{customer.pk}",
        data=counts,
        by=by,
    )
    return counts


def _erased_address(customer: Customer) -> str:
    return f"erased-{customer.pk}@{ERASED_DOMAIN}"


def _erase_webhook_deliveries(*, email: str, replacement: str) -> int:
    """The delivery log keeps each payload (every retry sends the same bytes): every payload about the person's
    tickets names their address, so those are rewritten without the text, and their attempt excerpts blanked.
    A delivery still pending then sends the erased payload."""
    needle = json.dumps({"customer_email": email}, ensure_ascii=False, separators=(",", ":"))[1:-1]
    deliveries = list(Delivery.objects.select_for_update().filter(body__contains=needle))
    for delivery in deliveries:
        payload = json.loads(delivery.body)
        data = payload.get("data") or {}
        ticket = data.get("ticket") or {}
        if ticket:
            ticket.update(subject=ERASED, customer_email=replacement)
        if isinstance(data.get("message"), dict):
            data["message"]["body"] = ERASED
        if isinstance(data.get("change"), dict):
            data["change"].update(old="", new="")
        if isinstance(data.get("action"), dict) and "note" in data["action"]:
            data["action"]["note"] = ""
        delivery.body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    Delivery.objects.bulk_update(deliveries, ["body"], batch_size=500)
    Attempt.objects.filter(delivery__in=deliveries).update(request_excerpt="", response_excerpt="")
    return len(deliveries)


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime | None:
    days = settings.ATTACHMENT_RETENTION_DAYS
    if days <= 0:
        return None
    return (now or timezone.now()) - dt.timedelta(days=days)


def purge_expired_attachments(*, now: dt.datetime | None = None, batch: int = 500) -> dict:
    """Delete the attachments of tickets closed more than ATTACHMENT_RETENTION_DAYS ago (off at 0); one audit
    entry per run that deleted anything."""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return {"attachments": 0, "bytes": 0, "tickets": 0}
    due = Attachment.objects.filter(message__ticket__status=Status.CLOSED, message__ticket__closed_at__lt=cutoff)
    deleted = total = 0
    tickets: set[int] = set()
    while True:
        with transaction.atomic():
            chunk = list(due.select_related("message").order_by("id")[:batch])
            if not chunk:
                break
            _count, size = _delete_files(chunk)
            deleted += len(chunk)
            total += size
            tickets.update(a.message.ticket_id for a in chunk)
            Attachment.objects.filter(pk__in=[a.pk for a in chunk]).delete()
    result = {"attachments": deleted, "bytes": total, "tickets": len(tickets)}
    if deleted:
        audit.record(
            kind="attachments.retention",
            object_type="tickets.attachment",
            object_repr=f"{deleted} attachments",
            data={**result, "days": settings.ATTACHMENT_RETENTION_DAYS, "ticket_ids": sorted(tickets)[:1000]},
            by=None,
        )
    return result


def customer_summary(customer: Customer) -> dict:
    """What the erase confirmation shows: how much will be removed."""
    attachments = Attachment.objects.filter(message__ticket__customer=customer)
    return {
        "tickets": Ticket.objects.filter(customer=customer).count(),
        "attachments": attachments.count(),
        "attachment_bytes": attachments.aggregate(total=Sum("size"))["total"] or 0,
    }
