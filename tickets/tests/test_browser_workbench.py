"""In real Chromium: ana logs in, opens a ticket from the inbox, replies, and solves it."""

from pathlib import Path

import pytest

from helpdesk.testing import accessibility_problems
from tickets.tests.factories import MessageFactory, TicketFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page(viewport={"width": 1366, "height": 900})


@pytest.mark.browser
def test_ana_replies_to_a_ticket_and_solves_it(
    browser_page, live_server, transactional_db, agent, support_queue, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = TicketFactory(
        subject="Charged twice for order 482913", queue=support_queue, customer=customer, assignee=agent, status="open"
    )
    MessageFactory(ticket=ticket, body="My card shows two charges of 59.90 EUR.")
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()

    assert accessibility_problems(page, live_server.url) == []
    # Filtering refreshes the list in place (htmx) and keeps the filters in the address bar.
    page.get_by_label("Priority", exact=True).select_option("urgent")
    page.wait_for_url("**/?priority=urgent**")
    assert page.get_by_text("No tickets here").is_visible()
    page.get_by_label("Priority", exact=True).select_option("")
    page.wait_for_url("**/?sort=urgency")
    page.get_by_role("link", name=f"{ticket.reference} Charged twice for order 482913").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert "two charges of 59.90 EUR" in page.locator(".thread").inner_text()
    assert accessibility_problems(page, live_server.url) == []

    page.get_by_placeholder("Write a reply to the customer").fill("Hello Eleni, the duplicate charge is refunded.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"**/tickets/{ticket.pk}/#message-*")
    reply = page.locator(".msg-reply")
    assert "the duplicate charge is refunded" in reply.inner_text()
    assert "Public reply" in reply.inner_text()

    page.get_by_role("button", name="Mark Solved").click()
    page.wait_for_load_state()
    assert page.locator("#ticket-status").inner_text().strip() == "Solved"
    assert "Status changed to Solved." in page.get_by_role("status").first.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workbench-solved.png"), full_page=True)
    assert errors == []
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.first_response_at is not None
