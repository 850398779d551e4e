"""In real Chromium on a 360 px phone: a Greek customer asks for a sign-in link, signs in through the
link in the e-mail actually sent, replies on their ticket (seeing a suggested article while typing),
and searches the help centre; axe-core finds no serious fault on any of these pages."""

import re

import pytest
from django.core import mail

from helpdesk.testing import accessibility_problems
from kb import services as kb_services
from tickets.models import MessageKind

pytestmark = pytest.mark.browser

LINK_RE = re.compile(r"(https?://\S+/portal/sign-in/[0-9a-f]+/)")


@pytest.fixture
def phone(chromium):
    return chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()


def check_page(page, live_server):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility_problems(page, live_server.url) == []


def test_a_customer_signs_in_by_email_replies_and_searches_help_on_a_phone(
    phone, live_server, transactional_db, settings, customer, ticket, lead
):
    from django.core.cache import cache

    cache.clear()
    settings.SITE_URL = live_server.url
    kb_services.create_article(
        by=lead,
        title="Διπλή χρέωση στην κάρτα",
        body="<p>Αν χρεωθήκατε δύο φορές, η δεύτερη χρέωση επιστρέφεται σε πέντε ημέρες.</p>",
        language="el",
        published=True,
    )
    page = phone
    page.goto(f"{live_server.url}/portal/")
    check_page(page, live_server)
    page.fill("#id_email", customer.email)
    page.click("form button[type=submit]")
    page.wait_for_selector("#link-sent")
    check_page(page, live_server)

    link = LINK_RE.search(mail.outbox[-1].body).group(1)
    page.goto(link)
    check_page(page, live_server)
    page.click("#sign-in")
    page.wait_for_url("**/portal/tickets/")
    assert page.locator("html").get_attribute("lang") == "el"
    check_page(page, live_server)

    page.click(f"a[href='/portal/tickets/{ticket.pk}/']")
    page.wait_for_selector("#id_body")
    page.fill("#id_body", "Με χρέωσαν δύο φορές, χρέωση")
    page.wait_for_selector("#kb-suggestions a")
    assert "Διπλή χρέωση" in page.locator("#kb-suggestions").inner_text()
    check_page(page, live_server)
    page.click("form[action$='/reply/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    message = ticket.messages.get()
    assert message.kind == MessageKind.CUSTOMER and "δύο φορές" in message.body

    page.goto(f"{live_server.url}/help/")
    page.fill("#help-q", "χρεωση")
    page.select_option("#help-language", "el")
    page.click("#help-search button[type=submit]")
    page.wait_for_selector("#help-results")
    assert "Διπλή χρέωση στην κάρτα" in page.locator("#help-results").inner_text()
    check_page(page, live_server)
