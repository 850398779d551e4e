import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from portal.access import SESSION_KEY
from portal.models import SignInLink
from portal.tests.conftest import outbound_rows_text

pytestmark = pytest.mark.django_db


def _without_csrf(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode())


def test_a_known_customer_gets_a_link_that_signs_them_in(client, customer, request_link):
    token = request_link(customer.email.upper())
    page = client.get(f"/portal/sign-in/{token}/")
    assert page.status_code == 200
    assert client.session.get(SESSION_KEY) is None, "following the link alone signs nobody in"
    response = client.post(f"/portal/sign-in/{token}/")
    assert response.status_code == 302 and response["Location"] == "/portal/tickets/"
    assert client.session[SESSION_KEY] == customer.pk
    assert "_auth_user_id" not in client.session, "a customer is never a Django user"


def test_the_email_is_in_the_customers_language(customer, request_link):
    request_link(customer.email)
    body = mail.outbox[-1].body
    assert "Γεια σας" in body and "Use this link" not in body  # a Greek customer


def test_the_token_is_in_no_database_row(customer, request_link):
    token = request_link(customer.email)
    assert token not in outbound_rows_text()
    link = SignInLink.objects.get()
    assert token not in (link.nonce, link.token_hash)


def test_a_link_works_once(client, customer, request_link):
    token = request_link(customer.email)
    assert client.post(f"/portal/sign-in/{token}/").status_code == 302
    client.post("/portal/sign-out/")
    again = client.post(f"/portal/sign-in/{token}/")
    assert again.status_code == 400
    assert client.session.get(SESSION_KEY) is None


def test_a_link_expires_after_thirty_minutes(client, customer, request_link):
    token = request_link(customer.email)
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.post(f"/portal/sign-in/{token}/").status_code == 400
    assert client.session.get(SESSION_KEY) is None


def test_a_new_link_is_valid_for_thirty_minutes(customer, request_link):
    request_link(customer.email)
    link = SignInLink.objects.get()
    assert dt.timedelta(minutes=29) < link.expires_at - link.created_at <= dt.timedelta(minutes=30)


def test_a_made_up_token_signs_nobody_in(client, customer, request_link):
    request_link(customer.email)
    assert client.post("/portal/sign-in/" + "0" * 64 + "/").status_code == 400
    assert client.session.get(SESSION_KEY) is None


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/portal/", {"email": customer.email})
        unknown = client.post("/portal/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [customer.email]


def test_requests_are_rate_limited_per_address(client, customer, settings):
    settings.PORTAL_LINK_RATE_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert client.post("/portal/", {"email": customer.email}).status_code == 200
    assert client.post("/portal/", {"email": customer.email}).status_code == 429
    assert client.post("/portal/", {"email": "someone@example.com"}).status_code == 200


def test_requests_are_rate_limited_per_ip(client, settings):
    settings.PORTAL_LINK_RATE_PER_IP = "3/h"
    for n in range(3):
        assert client.post("/portal/", {"email": f"a{n}@example.com"}).status_code == 200
    assert client.post("/portal/", {"email": "a9@example.com"}).status_code == 429


def test_a_link_in_an_agents_reply_text_is_never_expanded(customer, ticket, agent, django_capture_on_commit_callbacks):
    from tickets import services

    SignInLink.objects.create(customer=customer, nonce="x", expires_at=timezone.now() + dt.timedelta(minutes=5))
    pk = SignInLink.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        services.add_message(ticket=ticket, by=agent, body=f"see [[latitude-portal-sign-in-{pk}]]")
    assert "/portal/sign-in/" not in mail.outbox[-1].body


def test_signing_out_ends_the_customer_session_only(client, customer, agent, request_link):
    client.force_login(agent)
    token = request_link(customer.email)
    client.post(f"/portal/sign-in/{token}/")
    client.post("/portal/sign-out/")
    assert client.session.get(SESSION_KEY) is None
    assert client.get("/portal/tickets/").status_code == 302
