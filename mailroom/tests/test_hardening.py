"""Mail from strangers and from the wild: who sent it, which ticket it may join, who is copied, nothing lost."""

import pytest

from mailroom.ingest import allow_sender, ingest_email, open_ticket_from_ignored
from mailroom.models import InboundEmail, InboundSource, InboundStatus, OutboundEmail, QuarantinedEmail
from mailroom.parsing import parse_email
from mailroom.tests.conftest import corpus, ingest
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _mail(headers: str, body: str = "Hello, I need help.\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8")


def _reply_to(ticket, sender: str, *, extra: str = "", mid: str = "<r1@stranger.example>") -> bytes:
    return _mail(
        f"From: {sender}\nTo: support@latitude.example\nSubject: Re: [{ticket.reference}] order\n"
        f"Message-ID: {mid}\n{extra}"
    )


# ------------------------------------------------------------------------------------- who sent it


def test_reply_to_never_replaces_the_sender():
    parsed = parse_email(b"From: Web form <forms@site.example>\nReply-To: Rui <rui@example.pt>\nSubject: x\n\nhi\n")

    assert parsed.from_email == "forms@site.example"


def test_a_stranger_with_the_customers_reply_to_cannot_join_the_thread(queues):
    ticket = ingest("plain_utf8.eml").inbound.ticket

    result = ingest_email(
        raw=_reply_to(ticket, "Mallory <mallory@evil.example>", extra="Reply-To: john.carter@example.com\n"),
        source=InboundSource.TEST,
    )

    assert result.outcome == "created"
    assert result.inbound.ticket != ticket
    assert result.inbound.ticket.customer.email == "mallory@evil.example"


def test_a_subject_reference_needs_the_exact_address_not_a_prefix(queues, agent):
    raw_cc = "Cc: Bob <bob@example.com>\n"
    ticket = ingest("plain_utf8.eml", **{"MIME-Version: 1.0": raw_cc + "MIME-Version: 1.0"}).inbound.ticket

    prefix = ingest_email(raw=_reply_to(ticket, "bob@example.co"), source=InboundSource.TEST)
    exact = ingest_email(raw=_reply_to(ticket, "BOB@Example.com", mid="<r2@x>"), source=InboundSource.TEST)

    assert prefix.outcome == "created" and prefix.inbound.ticket != ticket
    assert exact.outcome == "appended" and exact.inbound.ticket == ticket


def test_a_copied_person_cannot_copy_a_stranger_onto_the_agents_replies(queues, agent):
    raw_cc = "Cc: Bob <bob@example.com>\n"
    ticket = ingest("plain_utf8.eml", **{"MIME-Version: 1.0": raw_cc + "MIME-Version: 1.0"}).inbound.ticket
    ingest_email(raw=_reply_to(ticket, "bob@example.com", extra="Cc: mallory@evil.example\n"), source="test")

    ticket_services.add_message(ticket=ticket, by=agent, body="Refunded.")

    mail = OutboundEmail.objects.get(kind="reply")
    assert mail.recipients == ["john.carter@example.com"]
    assert "mallory@evil.example" not in mail.cc_list
    # …and the stranger copied by Bob is not "already copied" for the subject reference either.
    later = ingest_email(raw=_reply_to(ticket, "mallory@evil.example", mid="<r3@x>"), source="test")
    assert later.inbound.ticket != ticket


# ------------------------------------------------------------------------------------ duplicates


def test_a_different_message_reusing_a_message_id_is_stored(queues):
    first = ingest_email(raw=_mail("From: a@example.com\nSubject: one\nMessage-ID: <same@x>"), source="test")
    second = ingest_email(
        raw=_mail("From: a@example.com\nSubject: two\nMessage-ID: <same@x>", "Other text.\n"), source="test"
    )

    assert first.outcome == "created"
    assert second.outcome == "created"
    assert InboundEmail.objects.filter(message_id="<same@x>").count() == 2
    assert Ticket.objects.count() == 2


def test_the_same_message_through_another_path_is_still_a_duplicate(queues):
    raw = _mail("From: a@example.com\nSubject: one\nMessage-ID: <same@x>")
    ingest_email(raw=raw, source="imap")

    again = ingest_email(raw=b"Received: from relay2 by mx; Mon, 2 Nov 2026\n" + raw, source="pipe")

    assert again.outcome == "duplicate"
    assert InboundEmail.objects.count() == 1


# ---------------------------------------------------------------------------------- lenient parsing


@pytest.mark.parametrize(
    ("raw", "sender", "subject"),
    [
        # Exchange: a folded header line without indentation.
        (
            b"From: Ana <ana@example.pt>\r\nSubject: A long subject that\r\nwas folded\r\nTo: s@l.example\r\n\r\nhi\r\n",
            "ana@example.pt",
            "A long subject that was folded",
        ),
        # A banner line before the headers.
        (
            b"From ana@example.pt Mon Nov  2 10:00:00 2026\nFrom: ana@example.pt\nSubject: x\n\nhi\n",
            "ana@example.pt",
            "x",
        ),
        (
            b"Microsoft Mail Internet Headers Version 2.0\nFrom: ana@example.pt\nSubject: x\n\nhi\n",
            "ana@example.pt",
            "x",
        ),
        # No angle brackets around the address.
        (b"From: Ana Silva ana.silva@example.pt\nSubject: x\n\nhi\n", "ana.silva@example.pt", "x"),
        # A space inside the address.
        (b"From: Ana <ana.silva @example.pt>\nSubject: x\n\nhi\n", "ana.silva@example.pt", "x"),
        # No From, but a Reply-To.
        (b"Reply-To: ana@example.pt\nSubject: x\n\nhi\n", "ana@example.pt", "x"),
    ],
)
def test_mail_other_helpdesks_accept_is_read_leniently(raw, sender, subject):
    parsed = parse_email(raw)

    assert parsed.from_email == sender
    assert parsed.subject == subject
    assert "hi" in parsed.text


@pytest.mark.parametrize(
    ("charset", "subject", "name"),
    [
        ("gb18030", "退款申请", "张伟"),
        ("shift_jis", "返金のお願い", "山田太郎"),
        ("big5", "退款申請", "陳大文"),
        ("koi8-r", "Возврат денег", "Иван Петров"),
    ],
)
def test_raw_8bit_headers_in_legacy_charsets_are_decoded_with_the_message_charset(charset, subject, name):
    raw = (
        f"From: {name} <c@example.cn>\nSubject: {subject}\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n{subject}\n"
    ).encode(charset)

    parsed = parse_email(raw)

    assert parsed.subject == subject
    assert parsed.from_name == name
    assert parsed.text == subject


def test_a_bounce_without_a_sender_address_is_ignored_not_quarantined(queues):
    raw = corpus("bounce.eml").replace(b"Mail Delivery System <MAILER-DAEMON@mx.example.net>", b"MAILER-DAEMON")

    result = ingest_email(raw=raw, source="test")

    assert result.outcome == "ignored"
    assert QuarantinedEmail.objects.count() == 0


def test_a_quarantine_reason_says_what_was_wrong():
    result = ingest_email(raw=b"From: nobody at all\nSubject: x\n\nhi\n", source="test")

    assert result.outcome == "quarantined"
    assert "From header" in result.quarantined.error and "nobody at all" in result.quarantined.error


def test_a_padded_subject_keeps_its_meaningful_words():
    parsed = parse_email(b"From: a@example.com\nSubject: Help" + b" " * 2000 + b"with my refund\n\nhi\n")

    assert parsed.subject == "Help with my refund"


def test_an_oversized_mail_is_quarantined_with_its_headers(queues, settings):
    settings.INBOUND_MAX_BYTES = 10_000
    raw = _mail("From: a@example.com\nSubject: big\nMessage-ID: <big@x>", "x" * 20_000)

    result = ingest_email(raw=raw, source="test")

    assert result.outcome == "quarantined"
    kept = bytes(result.quarantined.raw)
    assert b"Subject: big" in kept and len(kept) < 1000
    assert "too large" in result.quarantined.error
    assert result.quarantined.from_hint == "a@example.com"


# ------------------------------------------------------------------------- ignored mail, allow-list


def test_an_admin_turns_an_ignored_notification_into_a_ticket(queues, admin_user):
    raw = _mail("From: alerts@monitor.example\nAuto-Submitted: auto-generated\nSubject: Disk full\nMessage-ID: <n@m>")
    inbound = ingest_email(raw=raw, source="test").inbound
    assert inbound.status == InboundStatus.IGNORED

    inbound = open_ticket_from_ignored(inbound=inbound, by=admin_user)

    assert inbound.status == InboundStatus.CREATED
    assert inbound.ticket.subject == "Disk full"
    assert inbound.ticket.customer.email == "alerts@monitor.example"


def test_an_allowed_domain_passes_the_loop_guard_but_bounces_never_do(queues, admin_user):
    allow_sender(pattern="monitor.example", by=admin_user)
    raw = _mail("From: noreply@monitor.example\nAuto-Submitted: auto-generated\nSubject: Disk full\nMessage-ID: <n@m>")

    assert ingest_email(raw=raw, source="test").outcome == "created"
    bounce = corpus("bounce.eml").replace(b"mx.example.net", b"monitor.example")
    assert ingest_email(raw=bounce, source="test").outcome == "ignored"


def test_admins_review_ignored_mail_and_others_may_not(client, queues, admin_user, agent):
    raw = _mail("From: noreply@shop.example\nSubject: Your receipt\nMessage-ID: <rc@shop>")
    inbound = ingest_email(raw=raw, source="test").inbound

    client.force_login(agent)
    assert client.get("/mail/ignored/").status_code in (403, 404)
    assert client.post(f"/mail/ignored/{inbound.pk}/ticket/").status_code in (403, 404)

    client.force_login(admin_user)
    listing = client.get("/mail/ignored/")
    assert "Your receipt" in listing.content.decode()
    assert client.post(f"/mail/ignored/{inbound.pk}/allow/", {"pattern": "shop.example"}).status_code == 302
    assert client.post(f"/mail/ignored/{inbound.pk}/ticket/").status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.CREATED


# ------------------------------------------------------------------------------- outbox and secrets


@pytest.mark.parametrize("role", ["agent", "lead", "manager"])
def test_the_outbox_is_for_admins_only(client, role, outbox_row):
    from tickets.tests.factories import UserFactory

    client.force_login(UserFactory(username=f"o-{role}", role=role))

    assert client.get("/mail/outbox/").status_code in (403, 404)
    assert client.get(f"/mail/outbox/{outbox_row.pk}/raw/").status_code in (403, 404)
    assert "/mail/outbox/" not in client.get("/").content.decode()


@pytest.fixture
def outbox_row(db):
    from mailroom.models import OutboxMessage

    return OutboxMessage.objects.create(from_email="s@l", recipients="c@x", subject="Survey", raw="Subject: S\n\nx")


def test_a_secret_link_is_sealed_in_the_row_and_restored_when_sent(queues):
    from mailroom.services import build_message, queue_email

    token = "tok_" + "A" * 40
    link = f"http://testserver/survey/{token}/"
    row = queue_email(
        to="c@example.com",
        subject="How did we do?",
        body_text=f"Rate us: {link}",
        body_html=f'<a href="{link}">rate</a>',
        headers={"List-Unsubscribe": f"<{link}unsubscribe/>"},
        secrets=[token],
        enqueue=False,
    )
    stored = OutboundEmail.objects.get(pk=row.pk)

    assert token not in stored.body_text + stored.body_html + str(stored.headers) + stored.sealed_secrets
    message = build_message(stored)
    assert link in message.body
    assert link in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}unsubscribe/>"


def test_secret_paths_never_reach_the_access_log():
    import logging

    from helpdesk.log_filters import RedactSecrets

    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("GET /survey/abc123XYZ_-/?rating=5 HTTP/1.1", 200, 5), None
    )
    RedactSecrets().filter(record)

    assert "abc123XYZ" not in record.getMessage()
    assert "/survey/[redacted]/" in record.getMessage()


# ------------------------------------------------------------------------------------- remote images


TRACKED_HTML = (
    '<p>Hello, see the photo.</p><img src="https://track.example/pixel.gif?agent=open" alt="logo" width="1">'
    '<img src="//cdn.track.example/a.png"><img src="cid:photo@customer.example" alt="photo">'
)


def test_a_customers_html_mail_cannot_load_remote_images_to_track_agents(queues, agent, client):
    raw = (
        "From: Eva <eva@example.org>\nTo: support@latitude.example\nSubject: Photo\nMessage-ID: <img1@example.org>\n"
        'MIME-Version: 1.0\nContent-Type: text/html; charset="utf-8"\n\n' + TRACKED_HTML + "\n"
    ).encode()

    result = ingest_email(raw=raw, source=InboundSource.TEST)

    stored = result.inbound.visible_html + result.inbound.ticket.messages.get().body_html
    assert "track.example" not in stored
    assert 'alt="logo"' in stored and "cid:photo@customer.example" in stored  # its own images stay
    client.force_login(agent)
    page = client.get(f"/tickets/{result.inbound.ticket.pk}/").content.decode()
    assert "Hello, see the photo." in page and "track.example" not in page


def test_an_announcement_cannot_load_remote_images(lead):
    from recognition.services import post_announcement

    announcement = post_announcement(by=lead, title="New office", body=TRACKED_HTML)

    assert "track.example" not in announcement.body_html
    assert "Hello, see the photo." in announcement.body_html
