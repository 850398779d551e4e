"""The public contact form: a customer opens a ticket without an account."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.models import Attachment, Channel, Ticket

FORM = reverse("tickets:public_form")


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(support_queue):
    return {
        "name": "Maria Santos",
        "email": "maria.santos@example.com",
        "queue": support_queue.pk,
        "subject": "Parcel arrived damaged",
        "message": "The lid of the kettle is cracked.",
        "website": "",
    }


def test_the_form_offers_only_public_queues(client, support_queue, billing_queue):
    billing_queue.is_public = False
    billing_queue.save()
    html = client.get(FORM).content.decode()
    assert "General support" in html and ">Billing<" not in html


def test_a_message_becomes_a_web_ticket_and_a_confirmation(client, data, support_queue):
    response = client.post(FORM, data)
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.channel, ticket.queue) == ("Parcel arrived damaged", Channel.WEB, support_queue)
    assert ticket.customer.name == "Maria Santos" and ticket.language == "en"
    assert ticket.messages.get().body == "The lid of the kettle is cracked."
    confirmation = client.get(response["Location"])
    assert ticket.reference in confirmation.content.decode()


def test_the_page_language_becomes_the_tickets_language(client, data):
    client.post(FORM, data, headers={"Accept-Language": "el"})
    assert Ticket.objects.get().language == "el"


def test_an_attachment_is_kept(client, data):
    client.post(FORM, {**data, "attachment": SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg", "image/jpeg")})
    assert Attachment.objects.get().filename == "photo.jpg"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"subject": ""}, "This field is required."),
        ({"message": "  "}, "This field is required."),
        ({"queue": "999"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_clear_errors_and_no_ticket(client, data, change, message):
    response = client.post(FORM, {**data, **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Ticket.objects.exists()


def test_an_oversized_attachment_is_refused(client, data, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = client.post(FORM, {**data, "attachment": SimpleUploadedFile("big.bin", b"x" * 50)})
    assert response.status_code == 400 and "larger than the limit" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_honeypot_catches_bots(client, data):
    response = client.post(FORM, {**data, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_posts_are_rate_limited_per_address(client, data, settings):
    settings.CONTACT_FORM_RATE = "2/h"
    assert client.post(FORM, data).status_code == 302
    assert client.post(FORM, data).status_code == 302
    response = client.post(FORM, data)
    assert response.status_code == 429 and "Too many messages" in response.content.decode()
    assert Ticket.objects.count() == 2


def test_the_confirmation_page_without_a_submission_goes_back_to_the_form(client, db):
    response = client.get(reverse("tickets:public_form_sent"))
    assert response["Location"] == FORM


def test_no_topic_is_preselected_and_the_form_says_which_to_choose(client, support_queue):
    html = client.get(FORM).content.decode()
    assert '<option value="" selected>Choose a topic…</option>' in html
    assert "Choose the topic closest to your question" in html


def test_a_message_without_a_topic_is_refused_with_a_clear_error(client, data):
    response = client.post(FORM, {**data, "queue": ""})
    assert response.status_code == 400 and "Choose a topic." in response.content.decode()
    assert not Ticket.objects.exists()
