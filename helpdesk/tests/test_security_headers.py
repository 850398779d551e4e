"""The security headers on real responses: HSTS (with the production settings), a strict
Content-Security-Policy (django-csp), the referrer policy, frame denial and nosniff; and, in a real
Chromium, pages work under that policy without a single violation."""

import re

import pytest
from django.test import Client

from mailroom.models import OutboxMessage

PAGES = ["/accounts/login/", "/contact/", "/", "/api/tickets/", "/help/", "/no-such-page/"]


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.fixture
def secure_client(settings, agent):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new client loads the middleware with these settings
    client.force_login(agent)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_response_carries_the_security_headers(secure_client, path):
    response = secure_client.get(path, secure=True, follow=False)
    assert response.status_code in (200, 302, 404), response.status_code
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = _directives(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"], "no inline script, no eval, no other origin"
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"], "no remote image may load (tracking pixels)"
    assert csp["object-src"] == ["'none'"]


def test_plain_http_is_sent_to_https_when_production_says_so(secure_client):
    response = secure_client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_no_template_has_inline_script_or_event_handlers():
    from django.conf import settings

    offenders = []
    for root in [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]:
        for template in root.rglob("*.html"):
            if "emails" in template.parts:
                continue  # e-mails are not pages: their HTML is read by mail clients
            text = template.read_text()
            for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"|\sstyle=\"|javascript:", text):
                offenders.append(f"{template.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}")
    assert offenders == []


def _html_outbox_message() -> OutboxMessage:
    return OutboxMessage.objects.create(
        from_email="support@latitude.example",
        recipients="eleni@example.gr",
        subject="Hello",
        raw=(
            "From: support@latitude.example\r\nTo: eleni@example.gr\r\nSubject: Hello\r\nMIME-Version: 1.0\r\n"
            'Content-Type: text/html; charset="utf-8"\r\n\r\n<p style="color: red">Hello</p><script>alert(1)</script>'
        ),
    )


def test_the_outbox_preview_keeps_its_own_sandboxed_policy(client, admin_user):
    message = _html_outbox_message()
    client.force_login(admin_user)
    page = client.get(f"/mail/outbox/{message.pk}/")
    assert 'sandbox="allow-popups"' in page.content.decode()
    frame = client.get(f"/mail/outbox/{message.pk}/html/")
    assert frame.status_code == 200
    csp = _directives(frame["Content-Security-Policy"])
    assert csp["sandbox"] == ["allow-popups"] and csp["default-src"] == ["'none'"]
    assert "frame-ancestors" not in csp, "the message page frames it"
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert b"<script" not in frame.content and b"Hello" in frame.content


# --- In a real browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_pages_work_in_chromium_without_a_csp_violation(
    chromium, live_server, transactional_db, settings, agent, admin_user, ticket, support_queue
):
    from feedback.models import Survey, SurveySettings
    from feedback.tests.conftest import token_from_email
    from tickets.services import solve_ticket

    settings.SITE_URL = live_server.url
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    token = token_from_email(survey.outbound)

    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(60_000)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    # The survey link from the e-mail: the page sends the pre-selected rating by itself (static script).
    page.goto(f"{live_server.url}/survey/{token}/?rating=5")
    page.wait_for_url(re.compile(r"/thanks/"))
    survey.refresh_from_db()
    assert survey.rating == 5

    # The contact form's language picker submits itself without an inline handler.
    page.goto(f"{live_server.url}/contact/")
    page.select_option("#page-language", "pt")
    page.wait_for_function("document.documentElement.lang === 'pt'")

    # Staff pages, htmx and bootstrap included; the outbox's sandboxed HTML preview renders.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    outbox = _html_outbox_message()
    page.goto(f"{live_server.url}/mail/outbox/{outbox.pk}/")
    frame = page.frame_locator("iframe.mail-preview")
    frame.locator("body").wait_for()
    assert frame.locator("body").inner_text().strip() == "Hello"
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    context.close()
    assert violations == []
