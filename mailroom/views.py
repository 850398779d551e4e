"""Mailroom's pages: the local outbox (what Latitude would have sent), the quarantine, inline images."""

from __future__ import annotations

import email
import email.policy

import nh3
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from helpdesk.errors import DomainError
from mailroom import access, ingest, selectors
from mailroom.models import (
    AllowedSender,
    InboundEmail,
    InboundStatus,
    OutboxMessage,
    QuarantinedEmail,
    QuarantineStatus,
)
from mailroom.parsing import decode_header_value
from tickets.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References")


def _parts(raw: str) -> dict:
    """The headers, plain-text and HTML parts of a stored MIME message, for display."""
    # From bytes: parsed from a str, 8-bit parts come back as `\u2014`-style escapes instead of their text.
    msg = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=email.policy.default)
    headers = [(name, decode_header_value(str(msg.get(name)))) for name in SHOWN_HEADERS if msg.get(name)]
    extra = [
        (name, decode_header_value(str(value)))
        for name, value in msg.items()
        if name not in SHOWN_HEADERS and name.lower().startswith(("x-", "auto-", "list-"))
    ]
    text = html = ""
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_filename() or part.get_content_disposition() == "attachment":
            attachments.append(part.get_filename() or ctype)
        elif ctype == "text/plain" and not text:
            text = part.get_content()
        elif ctype == "text/html" and not html:
            html = part.get_content()
    return {"headers": headers + extra, "text": text, "html": html, "attachments": attachments}


MAIL_TAGS = ALLOWED_TAGS | {"style", "center", "font", "h5", "h6", "small", "sup", "sub", "tfoot", "caption"}
MAIL_ATTRIBUTES = {"*": {"style", "class", "align", "valign", "width", "height", "bgcolor", "color", "dir", "lang"}}


def _as_sent(html: str) -> str:
    """Mail HTML with its look (style elements and attributes) but without anything active."""
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    for tag, names in MAIL_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(names)
    return nh3.clean(
        html or "",
        tags=MAIL_TAGS,
        clean_content_tags={"script"},
        attributes=attributes,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


@login_required
@require_GET
def outbox(request):
    access.check_outbox(request.user)
    page = Paginator(selectors.outbox_messages(), 50).get_page(request.GET.get("page"))
    return render(request, "mailroom/outbox.html", {"page": page})


@login_required
@require_GET
def outbox_message(request, pk: int):
    access.check_outbox(request.user)
    message = get_object_or_404(OutboxMessage, pk=pk)
    parts = _parts(message.raw)
    return render(request, "mailroom/outbox_message.html", {"message": message, **parts})


@login_required
@xframe_options_sameorigin
@require_GET
def outbox_message_html(request, pk: int):
    """The HTML part as the customer sees it (its styles kept; scripts and forms removed), for the iframe on
    the message page. Also contained: the iframe's sandbox and this response's CSP sandbox give it an opaque
    origin, and default-src 'none' lets it load nothing but images."""
    access.check_outbox(request.user)
    message = get_object_or_404(OutboxMessage, pk=pk)
    html = _parts(message.raw)["html"]
    response = HttpResponse(
        '<!DOCTYPE html><meta charset="utf-8"><base target="_blank">' + _as_sent(html),
        content_type="text/html; charset=utf-8",
    )
    response["Content-Security-Policy"] = (
        "sandbox allow-popups; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'"
    )
    return response


@login_required
@require_GET
def outbox_message_raw(request, pk: int):
    access.check_outbox(request.user)
    message = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(message.raw, content_type="message/rfc822; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outbox-{message.pk}.eml"'
    return response


@login_required
@require_GET
def quarantine(request):
    access.check_quarantine(request.user)
    status = request.GET.get("status", QuarantineStatus.HELD)
    if status not in QuarantineStatus.values:
        status = QuarantineStatus.HELD
    page = Paginator(selectors.quarantined(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "mailroom/quarantine.html",
        {"page": page, "status": status, "statuses": QuarantineStatus.choices, "query_string": f"status={status}"},
    )


@login_required
@require_GET
def quarantine_detail(request, pk: int):
    access.check_quarantine(request.user)
    item = get_object_or_404(QuarantinedEmail, pk=pk)
    preview = bytes(item.raw[:20000]).decode("utf-8", "replace")
    return render(request, "mailroom/quarantine_detail.html", {"item": item, "preview": preview})


@login_required
@require_GET
def quarantine_raw(request, pk: int):
    access.check_quarantine(request.user)
    item = get_object_or_404(QuarantinedEmail, pk=pk)
    response = HttpResponse(bytes(item.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="quarantine-{item.pk}.eml"'
    return response


@require_POST
@login_required
def quarantine_retry(request, pk: int):
    access.check_quarantine(request.user)
    item = get_object_or_404(QuarantinedEmail, pk=pk)
    try:
        result = ingest.retry_quarantined(item=item, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mailroom:quarantine_detail", pk=item.pk)
    if result.inbound is not None:
        ticket = result.inbound.ticket
        messages.success(
            request,
            _("The message was stored (%(outcome)s%(ticket)s).")
            % {"outcome": result.outcome, "ticket": f", {ticket.reference}" if ticket else ""},
        )
        return redirect("mailroom:quarantine")
    messages.error(request, _("The message still cannot be ingested: %(error)s") % {"error": item.error})
    return redirect("mailroom:quarantine_detail", pk=item.pk)


@require_POST
@login_required
def quarantine_discard(request, pk: int):
    access.check_quarantine(request.user)
    item = get_object_or_404(QuarantinedEmail, pk=pk)
    try:
        ingest.discard_quarantined(item=item, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mailroom:quarantine_detail", pk=item.pk)
    messages.success(request, _("The message was discarded."))
    return redirect("mailroom:quarantine")


@login_required
@require_GET
def ignored(request: HttpRequest) -> HttpResponse:
    """Mail the loop guard ignored (noreply senders, notifications): admins review it here."""
    access.check_quarantine(request.user)
    page = Paginator(selectors.ignored_mail(), 50).get_page(request.GET.get("page"))
    allowed = AllowedSender.objects.all()[:200]
    return render(request, "mailroom/ignored.html", {"page": page, "allowed": allowed})


@require_POST
@login_required
def ignored_to_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    access.check_quarantine(request.user)
    inbound = get_object_or_404(InboundEmail.objects.defer("raw"), pk=pk, status=InboundStatus.IGNORED)
    try:
        inbound = ingest.open_ticket_from_ignored(inbound=inbound, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mailroom:ignored")
    messages.success(request, _("Ticket %(reference)s was opened.") % {"reference": inbound.ticket.reference})
    return redirect("mailroom:ignored")


@require_POST
@login_required
def ignored_allow(request: HttpRequest, pk: int) -> HttpResponse:
    access.check_quarantine(request.user)
    get_object_or_404(InboundEmail.objects.defer("raw"), pk=pk, status=InboundStatus.IGNORED)
    try:
        item = ingest.allow_sender(pattern=request.POST.get("pattern", ""), by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mailroom:ignored")
    messages.success(request, _("Mail from %(pattern)s will open tickets from now on.") % {"pattern": item.pattern})
    return redirect("mailroom:ignored")


INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}


@login_required
@require_GET
def inline_attachment(request, pk: int):
    """An e-mail's inline image (cid:) shown in the thread, for people who may see its ticket.

    Only raster images are served inline, with their type; anything else goes to the ticket's
    download view (always a download there)."""
    attachment = access.get_attachment_for_user(request.user, pk)
    if attachment.content_type not in INLINE_TYPES:
        return redirect("tickets:attachment", pk=attachment.pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return HttpResponse(_("This file is missing from storage."), status=410, content_type="text/plain")
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
