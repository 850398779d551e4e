"""Polling a real IMAP server (a private Dovecot): mail is stored first, then marked seen or moved."""

import pytest

from helpdesk.testing import require
from mailroom.imap import ImapSettings, poll_mailbox
from mailroom.models import InboundEmail, QuarantinedEmail
from mailroom.tests.conftest import corpus
from mailroom.tests.imap_server import DovecotServer, dovecot_available
from tickets.models import Ticket


@pytest.fixture
def imap_server():
    require(dovecot_available(), "Dovecot (apt-get install dovecot-imapd)")
    server = DovecotServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_the_poll_ingests_new_mail_and_marks_it_seen_only_once_stored(queues, imap_server, settings):
    settings.IMAP_URL = imap_server.url
    for name in ("plain_utf8.eml", "greek_iso8859_7_qp.eml", "auto_reply.eml", "garbage.eml"):
        imap_server.append(corpus(name))

    report = poll_mailbox()

    assert report.fetched == 4
    assert report.outcomes == {"created": 2, "ignored": 1, "quarantined": 1}
    assert Ticket.objects.count() == 2
    assert InboundEmail.objects.count() == 3
    assert QuarantinedEmail.objects.count() == 1
    assert all("\\Seen" in flags for flags in imap_server.flags())

    # A second poll finds nothing new.
    assert poll_mailbox().fetched == 0
    assert Ticket.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_message_that_fails_to_store_stays_unseen_and_is_fetched_again(queues, imap_server, settings, monkeypatch):
    settings.IMAP_URL = imap_server.url
    imap_server.append(corpus("plain_utf8.eml"))

    from mailroom import imap
    from mailroom.ingest import IngestResult

    monkeypatch.setattr(imap, "ingest_email", lambda **kwargs: IngestResult("failed"))
    poll_mailbox()
    assert all("\\Seen" not in flags for flags in imap_server.flags())

    monkeypatch.undo()
    report = poll_mailbox()
    assert report.outcomes == {"created": 1}
    assert all("\\Seen" in flags for flags in imap_server.flags())


@pytest.mark.django_db(transaction=True)
def test_stored_mail_can_be_moved_to_a_processed_mailbox(queues, imap_server, settings):
    settings.IMAP_URL = imap_server.url
    settings.IMAP_PROCESSED_MAILBOX = "Processed"
    imap_server.append(corpus("plain_utf8.eml"))
    imap_server.append(corpus("brazilian_base64.eml"), flags=r"(\Seen)")  # a person opened it already

    report = poll_mailbox()

    assert report.outcomes == {"created": 2}
    assert imap_server.count("INBOX") == 0
    assert imap_server.count("Processed") == 2


@pytest.mark.django_db(transaction=True)
def test_a_message_already_stored_is_not_stored_twice_when_the_mailbox_serves_it_again(queues, imap_server, settings):
    settings.IMAP_URL = imap_server.url
    imap_server.append(corpus("plain_utf8.eml"))
    poll_mailbox()
    imap_server.append(corpus("plain_utf8.eml"))  # e.g. marked unseen again by a person, or re-delivered

    report = poll_mailbox()

    assert report.outcomes == {"duplicate": 1}
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_periodic_task_polls_the_configured_mailbox(queues, imap_server, settings):
    from mailroom.tasks import poll_imap_task

    settings.IMAP_URL = imap_server.url
    imap_server.append(corpus("plain_utf8.eml"))

    assert poll_imap_task.delay().get() == 1
    assert Ticket.objects.count() == 1


def test_the_imap_url_is_read_with_its_parts():
    conf = ImapSettings.from_url("imaps://help%40x.example:p%3Ass@mail.x.example/Support%20Inbox")

    assert (conf.host, conf.port, conf.tls) == ("mail.x.example", 993, True)
    assert (conf.username, conf.password, conf.mailbox) == ("help@x.example", "p:ss", "Support Inbox")
    with pytest.raises(ValueError):
        ImapSettings.from_url("pop3://x@y/")
