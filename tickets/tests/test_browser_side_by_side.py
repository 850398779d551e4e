"""In real Chromium: while ana writes a reply the customer writes again; the new message appears on the
page, and sending asks for a confirmation first (in the page, and from the server without script)."""

import pytest

from tickets import services
from tickets.models import Message, MessageKind
from tickets.tests.factories import MessageFactory, TicketFactory
from tickets.tests.test_browser_agent_tools import log_in


@pytest.fixture
def open_ticket(support_queue, customer, agent):
    ticket = TicketFactory(
        subject="Parcel missing", queue=support_queue, customer=customer, assignee=agent, status="open"
    )
    MessageFactory(ticket=ticket, body="Where is my parcel?")
    return ticket


@pytest.mark.browser
def test_a_new_customer_message_appears_and_sending_asks_first(
    chromium, live_server, transactional_db, agent, open_ticket
):
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/tickets/{open_ticket.pk}/")
    composer = page.get_by_placeholder("Write a reply to the customer")
    composer.fill("It left our warehouse yesterday.")
    services.add_customer_message(ticket=open_ticket, body="Never mind, it just arrived!")
    page.evaluate("htmx.trigger('#thread-updates', 'poll-now')")  # rather than waiting for the 12 s poll
    page.get_by_text("Never mind, it just arrived!").wait_for()
    assert "1 new message while you were here" in page.locator("#thread-updates").inner_text()

    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Send reply").click()
    assert dialogs and "wrote again" in dialogs[0]
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"**/tickets/{open_ticket.pk}/#message-*")
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1
    assert errors == []


@pytest.mark.browser
def test_without_the_poll_the_server_refuses_and_the_second_send_confirms(
    chromium, live_server, transactional_db, agent, open_ticket
):
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, "ana")
    page.goto(f"{live_server.url}/tickets/{open_ticket.pk}/")
    page.get_by_placeholder("Write a reply to the customer").fill("It left our warehouse yesterday.")
    services.add_customer_message(ticket=open_ticket, body="Also, the address changed.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("wrote on this ticket while you were writing").wait_for()
    assert "Also, the address changed." in page.locator(".thread").inner_text()
    assert page.get_by_placeholder("Write a reply to the customer").input_value() == "It left our warehouse yesterday."
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"**/tickets/{open_ticket.pk}/#message-*")
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1
