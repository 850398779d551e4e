"""Customers write in: each case of the corpus through ingest_email, as an agent would see the result."""

import pytest
from django.db import connection

from mailroom.ingest import NO_TEXT, ingest_email
from mailroom.models import InboundEmail, InboundSource, InboundStatus, QuarantinedEmail
from mailroom.tests.conftest import corpus, ingest
from tickets.models import Attachment, Customer, Message, Ticket

pytestmark = pytest.mark.django_db


def test_a_new_message_opens_a_ticket_for_a_new_customer(queues):
    result = ingest("plain_utf8.eml")

    assert result.outcome == "created"
    ticket = result.inbound.ticket
    assert ticket.subject == "Charged twice for order 4411"
    assert ticket.channel == "email"
    assert ticket.queue == queues[0]
    assert ticket.customer.email == "john.carter@example.com"
    assert ticket.customer.name == "John Carter"
    assert ticket.customer.language == "en"
    message = ticket.messages.get()
    assert "refund one of the payments" in message.body
    assert message.email_message_id == "<plain-1@customer.example>"
    assert result.inbound.ticket_message == message


@pytest.mark.parametrize(
    ("name", "language", "sender", "words"),
    [
        ("greek_iso8859_7_qp.eml", "el", "Ελένη Παπαδοπούλου", "Η παραγγελία μου δεν έχει φτάσει"),
        ("portuguese_cp1252.eml", "pt", "João Gonçalves", "foi-me cobrado duas vezes o mesmo serviço"),
        ("brazilian_base64.eml", "pt-br", "Mariana Souza", "Vocês podem me ajudar?"),
        ("serbian_cyrillic_cp1251.eml", "sr", "Ђорђе Јовановић", "Наплаћено ми је два пута"),
        ("serbian_latin_cp1250.eml", "sr-latn", "Đorđe Jovanović", "Naplaćeno mi je dva puta"),
    ],
)
def test_text_in_every_charset_reads_right_and_the_language_is_guessed(queues, name, language, sender, words):
    result = ingest(name)

    ticket = result.inbound.ticket
    assert words in ticket.messages.get().body
    assert ticket.customer.name == sender
    assert ticket.customer.language == language
    assert ticket.language == language


def test_a_known_customer_keeps_the_language_staff_set(queues):
    Customer.objects.create(email="eleni.p@example.gr", name="Eleni", language="en")

    ticket = ingest("greek_iso8859_7_qp.eml").inbound.ticket

    assert ticket.customer.language == "en"
    assert ticket.customer.name == "Eleni"


def test_koi8r_is_decoded_and_an_unsupported_language_falls_back_to_the_default(queues):
    ticket = ingest("russian_koi8r.eml").inbound.ticket

    assert ticket.subject == "Не могу войти"
    assert "личный кабинет" in ticket.messages.get().body
    assert ticket.customer.language == "en"


def test_mislabelled_and_unknown_charsets_degrade_without_losing_the_text(queues):
    body = ingest("mislabelled_charset.eml").inbound.ticket.messages.get().body

    assert "my café order arrived" in body
    assert "naïve résumé — in UTF-8" in body


def test_broken_encoded_headers_are_decoded_as_far_as_they_go(queues):
    inbound = ingest("broken_rfc2047.eml").inbound

    assert inbound.ticket.subject == "Καλησπέρα σας strange charset café plain ünïcode"
    assert inbound.ticket.customer.name == "Renée Dupré"
    assert inbound.sent_at is None  # "not a date at all"


def test_html_only_mail_is_sanitised_and_gets_a_text_version(queues):
    message = ingest("html_only.eml").inbound.ticket.messages.get()

    assert "INV-2291" in message.body
    assert "<" not in message.body
    assert "<b>INV-2291</b>" in message.body_html
    for hostile in ("<script", "onclick", "javascript:", "<iframe", "<style"):
        assert hostile not in message.body_html
    assert 'href="https://example.com/invoice"' in message.body_html


def test_multipart_alternative_keeps_both_parts_and_the_to_address_picks_the_queue(queues):
    ticket = ingest("alternative_to_billing.eml").inbound.ticket

    assert ticket.queue == queues[1]
    message = ticket.messages.get()
    assert message.body.startswith("Hi, I cancelled my plan")
    assert "<b>1 November</b>" in message.body_html


def test_an_inline_image_is_stored_with_its_content_id(queues):
    message = ingest("related_inline_image.eml").inbound.ticket.messages.get()

    attachment = message.attachments.get()
    assert attachment.content_id == "screenshot-1@example.com"
    assert attachment.content_type == "image/png"
    assert attachment.file.read().startswith(b"\x89PNG")
    assert 'src="cid:screenshot-1@example.com"' in message.body_html


def test_attachment_names_encoded_every_way_are_decoded_and_made_safe(queues):
    message = ingest("encoded_attachment_names.eml").inbound.ticket.messages.get()

    names = list(message.attachments.order_by("id").values_list("filename", flat=True))
    assert names == ["Τιμολόγιο Νοέμβριου.pdf", "Ρεσιτ αγοράς.txt", "résumé part two.doc", "passwd"]
    assert message.attachments.get(filename="passwd").file.name.endswith(".bin")


def test_an_attachment_over_the_limit_is_dropped_with_a_note_and_the_text_is_kept(queues, settings):
    settings.ATTACHMENT_MAX_BYTES = 50 * 1024

    result = ingest("huge_attachment.eml")

    message = result.inbound.ticket.messages.get()
    assert "the app crashes when I press Pay" in message.body
    assert "crash.mp4" in message.body and "not kept" in message.body
    assert list(message.attachments.values_list("filename", flat=True)) == ["small.png"]
    assert any("crash.mp4" in note for note in result.inbound.notes)


def test_a_mail_with_only_an_attachment_still_opens_a_ticket(queues):
    message = ingest("attachment_only.eml").inbound.ticket.messages.get()

    assert message.body == NO_TEXT
    assert message.attachments.get().filename == "scan.pdf"


def test_a_forwarded_chain_stays_visible(queues):
    inbound = ingest("forwarded_chain.eml").inbound

    assert "Tracking number: ZZ123456789" in inbound.visible_text
    assert inbound.quoted_text == ""


def test_a_reply_joins_its_ticket_by_in_reply_to_and_its_quote_is_folded(queues):
    first = ingest("plain_utf8.eml").inbound.ticket

    result = ingest("reply_phone_signature.eml")

    assert result.outcome == "appended"
    assert result.inbound.ticket == first
    assert Ticket.objects.count() == 1
    assert first.messages.count() == 2
    inbound = result.inbound
    assert inbound.visible_text == "Any news on the refund?"
    assert inbound.quoted_text.startswith("Sent from my iPhone")
    assert "> I was charged twice" in inbound.quoted_text
    # Nothing is lost: the ticket message keeps the whole text.
    assert "> I was charged twice" in inbound.ticket_message.body


def test_a_greek_reply_joins_by_references_and_folds_the_greek_quote(queues):
    first = ingest("greek_iso8859_7_qp.eml").inbound.ticket

    inbound = ingest("greek_reply_quote.eml").inbound

    assert inbound.ticket == first
    assert inbound.visible_text == "Ευχαριστώ για την απάντηση. Το δέμα ακόμα δεν έχει έρθει."
    assert "έγραψε:" in inbound.quoted_text


def test_an_outlook_reply_in_serbian_folds_the_original_message(queues):
    first = ingest("serbian_latin_cp1250.eml").inbound.ticket

    inbound = ingest("serbian_outlook_reply.eml").inbound

    assert inbound.ticket == first
    assert inbound.visible_text == "Hvala, novac je stigao.\n\nĐorđe"
    assert inbound.quoted_text.startswith("-----Original Message-----")


def test_an_html_reply_folds_the_gmail_quote(queues):
    first = ingest("alternative_to_billing.eml").inbound.ticket

    inbound = ingest("html_reply_gmail_quote.eml").inbound

    assert inbound.ticket == first
    assert "Thanks, the refund arrived." in inbound.visible_html
    assert "billed again" not in inbound.visible_html
    assert "billed again" in inbound.quoted_html


def test_a_reply_without_headers_is_matched_by_the_reference_in_its_subject(queues):
    first = ingest("portuguese_cp1252.eml").inbound.ticket

    inbound = ingest("portuguese_reply_subject_ref.eml", **{"LAT-000000": first.reference}).inbound

    assert inbound.status == InboundStatus.APPENDED
    assert inbound.ticket == first
    assert inbound.visible_text == "Obrigado pela resposta rápida. Já recebi a nota de crédito."


def test_a_stranger_cannot_write_into_a_ticket_by_its_reference(queues):
    first = ingest("portuguese_cp1252.eml").inbound.ticket
    raw = corpus("portuguese_reply_subject_ref.eml").replace(b"LAT-000000", first.reference.encode())
    raw = raw.replace(b"joao.goncalves@example.pt", b"mallory@example.net")

    result = ingest_email(raw=raw, source=InboundSource.TEST)

    assert result.outcome == "created"
    assert result.inbound.ticket != first


def test_a_reply_to_a_solved_ticket_reopens_it(queues):
    ticket = ingest("plain_utf8.eml").inbound.ticket
    Ticket.objects.filter(pk=ticket.pk).update(status="solved")

    ingest("reply_phone_signature.eml")

    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(queues):
    ticket = ingest("plain_utf8.eml").inbound.ticket
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")

    inbound = ingest("reply_phone_signature.eml").inbound

    assert inbound.status == InboundStatus.CREATED
    assert inbound.ticket != ticket
    assert any(ticket.reference in note for note in inbound.notes)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply.eml", "Auto-Submitted"),
        ("x_autoreply.eml", "X-Autoreply"),
        ("bounce.eml", "Delivery status"),
        ("bulk_newsletter.eml", "Precedence: bulk"),
    ],
)
def test_machine_mail_never_opens_a_ticket_nor_joins_one(queues, name, reason):
    ingest("plain_utf8.eml")  # the auto-reply answers this one

    result = ingest(name)

    assert result.outcome == "ignored"
    assert reason in result.inbound.ignore_reason
    assert result.inbound.ticket is None
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1


def test_mail_from_our_own_address_is_ignored(queues):
    raw = corpus("plain_utf8.eml").replace(b"john.carter@example.com", queues[0].email_address.encode())

    result = ingest_email(raw=raw, source=InboundSource.TEST)

    assert result.outcome == "ignored"
    assert Ticket.objects.count() == 0


def test_the_same_message_ingested_twice_is_stored_once(queues):
    first = ingest("plain_utf8.eml")
    second = ingest("plain_utf8.eml")

    assert second.outcome == "duplicate"
    assert second.inbound == first.inbound
    assert InboundEmail.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_message_without_message_id_is_still_stored_once(queues):
    first = ingest("no_message_id.eml")
    second = ingest("no_message_id.eml")

    assert first.outcome == "created"
    assert second.outcome == "duplicate"
    assert first.inbound.message_id.endswith("@no-message-id.latitude>")
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("name", ["malformed_no_sender.eml", "garbage.eml"])
def test_what_cannot_be_parsed_is_quarantined_raw(queues, name):
    result = ingest(name)

    assert result.outcome == "quarantined"
    item = QuarantinedEmail.objects.get()
    assert bytes(item.raw) == corpus(name)
    assert item.status == "held"
    assert Ticket.objects.count() == 0


def test_the_same_unparseable_message_is_quarantined_once(queues):
    ingest("malformed_no_sender.eml")
    ingest("malformed_no_sender.eml")

    item = QuarantinedEmail.objects.get()
    assert item.attempts == 2


def test_a_failure_while_storing_rolls_back_and_quarantines(queues, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("mailroom.ingest.ticket_services.create_ticket", explode)

    result = ingest("plain_utf8.eml")

    assert result.outcome == "quarantined"
    assert "disk full" in result.quarantined.error
    assert InboundEmail.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_an_attachment_row_keeps_its_content_id_only_where_it_had_one(queues):
    ingest("related_inline_image.eml")
    ingest("encoded_attachment_names.eml")

    assert Attachment.objects.exclude(content_id="").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_pollers_racing_on_one_message_store_it_once(queues):
    """Parallel ingestion of the same Message-ID: the unique constraint lets exactly one through."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    import threading

    from django.db import connections

    results = []
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(ingest("plain_utf8.eml").outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["created", "duplicate", "duplicate", "duplicate"]
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1
