"""Mailroom's pages: the outbox a demo user clicks through, the quarantine admins work, inline images."""

import pytest
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives

from mailroom.models import OutboxMessage, QuarantinedEmail
from mailroom.tests.conftest import ingest
from tickets.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_message(settings):
    settings.EMAIL_BACKEND = "mailroom.backends.OutboxBackend"
    message = EmailMultiAlternatives(
        subject="[LAT-000042] Re: Broken charger",
        body="Plain words for you.",
        from_email="Support <support@latitude.example>",
        to=["eleni@example.gr"],
        headers={"In-Reply-To": "<x@y>"},
    )
    message.attach_alternative(
        '<p>Rich <b>words</b></p><script>alert(1)</script><img src="https://t.example/p.gif">', "text/html"
    )
    django_mail.get_connection().send_messages([message])
    return OutboxMessage.objects.get()


def test_the_outbox_lists_sent_mail(client, admin_user, outbox_message):
    client.force_login(admin_user)

    page = client.get("/mail/outbox/").content.decode()

    assert "[LAT-000042] Re: Broken charger" in page
    assert "eleni@example.gr" in page


def test_a_message_shows_its_headers_text_part_and_a_sandboxed_html_part(client, admin_user, outbox_message):
    client.force_login(admin_user)

    page = client.get(f"/mail/outbox/{outbox_message.pk}/").content.decode()

    assert "Plain words for you." in page
    assert "&lt;x@y&gt;" in page  # In-Reply-To shown
    assert f'sandbox="allow-popups" src="/mail/outbox/{outbox_message.pk}/html/"' in page


def test_the_html_part_is_sanitised_and_sandboxed(client, admin_user, outbox_message):
    client.force_login(admin_user)

    response = client.get(f"/mail/outbox/{outbox_message.pk}/html/")

    body = response.content.decode()
    assert "<b>words</b>" in body
    assert "<script" not in body
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_raw_message_downloads(client, admin_user, outbox_message):
    client.force_login(admin_user)

    response = client.get(f"/mail/outbox/{outbox_message.pk}/raw/")

    assert response["Content-Type"].startswith("message/rfc822")
    assert b"Subject:" in response.content


@pytest.mark.parametrize("path", ["/mail/outbox/", "/mail/outbox/{pk}/", "/mail/outbox/{pk}/html/"])
def test_the_outbox_is_for_staff_only(client, outbox_message, path):
    outsider = UserFactory(username="visitor", role="")
    client.force_login(outsider)

    assert client.get(path.format(pk=outbox_message.pk)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, outbox_message):
    response = client.get("/mail/outbox/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def held(queues):
    ingest("malformed_no_sender.eml")
    return QuarantinedEmail.objects.get()


def test_admins_see_the_quarantine_and_its_messages(client, admin_user, held):
    client.force_login(admin_user)

    listing = client.get("/mail/quarantine/").content.decode()
    detail = client.get(f"/mail/quarantine/{held.pk}/").content.decode()

    assert "who am I" in listing
    assert "no valid sender address" in detail
    assert "There is no From header in this message." in detail


@pytest.mark.parametrize("role", ["agent", "lead", "manager"])
def test_the_quarantine_is_for_admins_only(client, held, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))

    assert client.get("/mail/quarantine/").status_code == 403
    assert client.get(f"/mail/quarantine/{held.pk}/").status_code == 403
    assert client.get(f"/mail/quarantine/{held.pk}/raw/").status_code == 403
    assert client.post(f"/mail/quarantine/{held.pk}/retry/").status_code == 403
    assert client.post(f"/mail/quarantine/{held.pk}/discard/").status_code == 403
    held.refresh_from_db()
    assert held.status == "held"


@pytest.mark.parametrize("action", ["retry", "discard"])
def test_quarantine_actions_refuse_get(client, admin_user, held, action):
    client.force_login(admin_user)

    assert client.get(f"/mail/quarantine/{held.pk}/{action}/").status_code == 405
    held.refresh_from_db()
    assert held.status == "held"


def test_a_retry_that_still_fails_keeps_the_message_held(client, admin_user, held):
    client.force_login(admin_user)

    response = client.post(f"/mail/quarantine/{held.pk}/retry/", follow=True)

    held.refresh_from_db()
    assert held.status == "held"
    assert held.attempts == 2
    assert "still cannot be ingested" in response.content.decode()


def test_a_retry_after_the_fix_stores_the_message_and_releases_it(client, admin_user, queues, monkeypatch):
    from mailroom.ingest import ticket_services

    real = ticket_services.create_ticket
    monkeypatch.setattr(ticket_services, "create_ticket", lambda **kw: (_ for _ in ()).throw(RuntimeError("db down")))
    ingest("plain_utf8.eml")
    item = QuarantinedEmail.objects.get()
    monkeypatch.setattr(ticket_services, "create_ticket", real)
    client.force_login(admin_user)

    response = client.post(f"/mail/quarantine/{item.pk}/retry/", follow=True)

    item.refresh_from_db()
    assert item.status == "released"
    assert item.resolved_by == admin_user
    assert item.inbound.ticket.subject == "Charged twice for order 4411"
    assert "LAT-" in response.content.decode()


def test_discarding_keeps_the_row_but_takes_it_out_of_the_queue(client, admin_user, held):
    client.force_login(admin_user)

    client.post(f"/mail/quarantine/{held.pk}/discard/")

    held.refresh_from_db()
    assert held.status == "discarded"
    assert "who am I" not in client.get("/mail/quarantine/").content.decode()
    assert "who am I" in client.get("/mail/quarantine/?status=discarded").content.decode()
    # Discarded is final.
    client.post(f"/mail/quarantine/{held.pk}/retry/")
    held.refresh_from_db()
    assert held.status == "discarded"


def test_the_quarantine_is_in_the_admins_menu(client, admin_user, agent):
    client.force_login(admin_user)
    assert "/mail/quarantine/" in client.get("/mail/outbox/").content.decode()
    client.force_login(agent)
    assert "/mail/quarantine/" not in client.get("/mail/outbox/").content.decode()


def test_an_inline_image_is_served_to_who_may_see_the_ticket(client, queues, agent, other_agent):
    attachment = ingest("related_inline_image.eml").inbound.ticket_message.attachments.get()

    client.force_login(agent)
    response = client.get(f"/mail/inline/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    client.force_login(other_agent)  # Billing: may not see a Support ticket
    assert client.get(f"/mail/inline/{attachment.pk}/").status_code == 404


def test_a_non_image_is_never_served_inline(client, queues, agent):
    attachment = ingest("encoded_attachment_names.eml").inbound.ticket_message.attachments.first()
    client.force_login(agent)

    response = client.get(f"/mail/inline/{attachment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/attachments/{attachment.pk}/"


def test_admins_edit_templates_and_a_broken_one_is_refused_with_the_error(client, admin_user, queues):
    from mailroom.models import MailTemplate

    client.force_login(admin_user)
    data = {"kind": "reply", "queue": queues[1].pk, "language": "pt", "subject": "[{{ reference }}] {{ subject }}"}

    broken = client.post("/admin/mailroom/mailtemplate/add/", {**data, "body_text": "{% if %}", "body_html": ""})
    assert broken.status_code == 200
    assert "This template has an error" in broken.content.decode()
    assert not MailTemplate.objects.exists()

    client.post("/admin/mailroom/mailtemplate/add/", {**data, "body_text": "Olá {{ customer_name }}", "body_html": ""})
    assert MailTemplate.objects.get().queue == queues[1]


@pytest.fixture
def styled_message(settings):
    settings.EMAIL_BACKEND = "mailroom.backends.OutboxBackend"
    message = EmailMultiAlternatives(
        subject="Olá — o seu pedido",
        body="Não — can't “wait”",
        from_email="support@latitude.example",
        to=["rita@example.pt"],
    )
    message.attach_alternative(
        '<style>p { color: #123456 }</style><p style="font-size: 18px">Não — ok</p><script>x()</script>', "text/html"
    )
    django_mail.get_connection().send_messages([message])
    return OutboxMessage.objects.get()


def test_the_text_part_is_shown_decoded_never_as_escapes(client, admin_user, styled_message):
    client.force_login(admin_user)
    page = client.get(f"/mail/outbox/{styled_message.pk}/").content.decode()
    assert "Não — can&#x27;t “wait”" in page
    assert "\\u2014" not in page and "N\ufffdo" not in page


def test_the_html_part_keeps_its_styles_but_not_its_scripts(client, admin_user, styled_message):
    client.force_login(admin_user)
    body = client.get(f"/mail/outbox/{styled_message.pk}/html/").content.decode()
    assert "<style>p { color: #123456 }</style>" in body
    assert 'style="font-size: 18px"' in body and "Não — ok" in body
    assert "<script" not in body and "x()" not in body
