import re

import pytest
from django.core import mail

from mailroom.models import OutboundEmail

LINK_RE = re.compile(r"https?://\S+/portal/sign-in/([0-9a-f]+)/")


@pytest.fixture
def request_link(client, django_capture_on_commit_callbacks):
    """Ask for a sign-in link for an address and return the token from the e-mail actually sent."""

    def ask(email: str) -> str:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/portal/", {"email": email})
        assert response.status_code == 200
        sent = mail.outbox[before:]
        assert len(sent) == 1, "one sign-in e-mail"
        match = LINK_RE.search(sent[0].body)
        assert match, sent[0].body
        return match.group(1)

    return ask


@pytest.fixture
def signed_in(client, request_link):
    """A client signed in to the portal as the given customer."""

    def sign_in(customer):
        token = request_link(customer.email)
        response = client.post(f"/portal/sign-in/{token}/")
        assert response.status_code == 302
        return client

    return sign_in


def outbound_rows_text() -> str:
    return "\n".join(f"{o.body_text}\n{o.body_html}\n{o.headers}" for o in OutboundEmail.objects.all())


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
