"""Staff reset a forgotten password by e-mail: the link comes in their language through the one mail path,
works once, and the page never tells whether an address has an account; requests are rate-limited."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from mailroom.models import OutboundEmail
from mailroom.services import build_message

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def reset_link(mail: OutboundEmail) -> str:
    return re.search(r"http://\S+/accounts/reset/\S+/", build_message(mail).body).group(0)


def test_a_staff_member_gets_a_link_in_her_language_and_sets_a_new_password(client, agent):
    agent.profile.language = "pt"
    agent.profile.save()
    response = client.post(RESET, {"email": agent.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    mail = OutboundEmail.objects.get(to=agent.email)
    assert mail.subject == "Repor a sua palavra-passe do Latitude"
    link = reset_link(mail)
    assert "&#x27;" not in mail.body_text and link.split("/reset/")[1] not in mail.body_text  # token sealed at rest

    page = client.get(link, follow=True)  # Django swaps the token into the session and redirects
    assert page.status_code == 200 and page.context["validlink"]
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "a new long pass 42", "new_password2": "a new long pass 42"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert client.login(username="ana", password="a new long pass 42")
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]  # once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, agent):
    known = client.post(RESET, {"email": agent.email})
    unknown = client.post(RESET, {"email": "nobody@example.com"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert not OutboundEmail.objects.filter(to="nobody@example.com").exists()


def test_people_without_a_staff_role_get_no_link(client, db):
    from tickets.tests.factories import UserFactory

    visitor = UserFactory(username="visitor", role=None, email="visitor@example.com")
    client.post(RESET, {"email": visitor.email})
    assert not OutboundEmail.objects.filter(to=visitor.email).exists()


def test_requests_are_rate_limited_per_address_and_per_client(client, agent, settings):
    settings.PASSWORD_RESET_RATE, settings.PASSWORD_RESET_IP_RATE = "2/h", "4/h"
    for _ in range(3):
        assert client.post(RESET, {"email": agent.email}).status_code == 302
    assert OutboundEmail.objects.filter(to=agent.email).count() == 2  # the third request sends nothing
    assert client.post(RESET, {"email": "other@example.com"}).status_code == 302
    response = client.post(RESET, {"email": "third@example.com"})
    assert response.status_code == 429 and "Too many requests" in response.content.decode()


def test_the_pages_speak_the_visitors_language(client):
    html = client.get(RESET, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "Επαναφορά του κωδικού σας" in html
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()
