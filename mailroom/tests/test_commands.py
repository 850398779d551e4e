"""`manage.py ingest_email` for a mail server's pipe and for files; `manage.py poll_imap` without a mailbox."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from mailroom.models import InboundEmail, QuarantinedEmail
from mailroom.tests.conftest import CORPUS, corpus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_message_on_standard_input_opens_a_ticket(queues, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(corpus("greek_iso8859_7_qp.eml"))))
    out = io.StringIO()

    call_command("ingest_email", stdout=out)

    ticket = Ticket.objects.get()
    assert f"stdin: created → {ticket.reference}" in out.getvalue()
    assert InboundEmail.objects.get().source == "pipe"


def test_files_are_ingested_one_message_each(queues):
    out = io.StringIO()

    call_command(
        "ingest_email",
        "--file",
        str(CORPUS / "plain_utf8.eml"),
        "--file",
        str(CORPUS / "bounce.eml"),
        "--file",
        str(CORPUS / "garbage.eml"),
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    assert "created" in lines[0]
    assert "ignored" in lines[1] and "Delivery status" in lines[1]
    assert "quarantined" in lines[2]
    assert QuarantinedEmail.objects.count() == 1


def test_a_missing_file_is_a_clear_error(queues):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("ingest_email", "--file", "/nonexistent/message.eml")


def test_poll_imap_without_a_mailbox_says_what_to_set(settings):
    settings.IMAP_URL = ""
    with pytest.raises(CommandError, match="IMAP_URL"):
        call_command("poll_imap")


def test_poll_imap_reports_an_unreachable_server_without_the_password():
    from helpdesk.testing import free_port

    with pytest.raises(CommandError) as error:
        call_command("poll_imap", "--url", f"imap://u:topsecret@127.0.0.1:{free_port()}/INBOX")
    assert "topsecret" not in str(error.value)
