"""In a real Chromium: marta writes "ticket created, subject contains 'invoice' → queue Billing, priority high"
in the rule editor, tests it on an existing ticket, and a customer's new ticket from the contact form lands
in Billing with high priority; axe finds nothing serious on the pages."""

import pytest

from automations.models import Rule, RuleRun
from helpdesk.testing import accessibility_problems
from insights.tests.test_browser_dashboard import log_in
from tickets import services
from tickets.models import Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marta_creates_a_rule_in_the_page_and_sees_it_act_on_a_new_ticket(
    live_server, manager, agent, support_queue, billing_queue, chromium
):
    old = services.create_ticket(
        subject="Second invoice this month", body="Why?", customer_email="old@example.com", queue=support_queue
    )
    page = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
    base = live_server.url
    log_in(page, base, "marta")
    page.get_by_role("link", name="Automations", exact=True).click()
    page.wait_for_url(lambda url: url.endswith("/automations/"))
    assert accessibility_problems(page, base, "#main") == []
    page.get_by_role("link", name="New rule").click()

    page.fill("#id_name", "Invoices to Billing")
    page.select_option("#id_event", "ticket_created")
    page.select_option("#id_conditions-0-field", "subject")
    page.select_option("#id_conditions-0-operator", "contains")
    page.fill("#id_conditions-0-value", "invoice")
    page.select_option("#id_actions-0-type", "set_queue")
    page.fill("#id_actions-0-value", "Billing")
    page.get_by_role("button", name="Add an action").click()
    page.select_option("#id_actions-1-type", "set_priority")
    page.fill("#id_actions-1-value", "high")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_url(lambda url: "/new/" not in url)
    assert page.get_by_text("was saved").is_visible()
    rule = Rule.objects.get(name="Invoices to Billing")
    assert rule.actions == [
        {"type": "set_queue", "value": billing_queue.pk},
        {"type": "set_priority", "value": "high"},
    ]
    assert accessibility_problems(page, base, "#main") == []

    # "Test this rule" against the ticket that came in before it: matches, and nothing changes.
    page.fill("#id_ticket", old.reference)
    page.get_by_role("button", name="Test", exact=True).click()
    result = page.get_by_test_id("test-result")
    result.get_by_text("The rule would act").wait_for()
    assert "Billing" in result.inner_text() and "High" in result.inner_text()
    assert Ticket.objects.get(pk=old.pk).queue == support_queue

    # A customer writes through the contact form.
    customer = chromium.new_context().new_page()
    customer.goto(f"{base}/contact/")
    customer.fill("#id_name", "Rita Alves")
    customer.fill("#id_email", "rita@example.pt")
    customer.select_option("#id_queue", str(support_queue.pk))
    customer.fill("#id_subject", "Wrong amount on my invoice")
    customer.fill("#id_message", "The invoice says 120 EUR, the order was 100 EUR.")
    customer.get_by_role("button", name="Send").click()
    customer.wait_for_url(lambda url: "/contact/sent/" in url)

    ticket = Ticket.objects.get(customer__email="rita@example.pt")
    assert (ticket.queue, ticket.priority) == (billing_queue, "high")
    assert TicketEvent.objects.filter(ticket=ticket, by_rule=rule.pk).count() == 2
    assert RuleRun.objects.filter(rule=rule, ticket=ticket).exists()

    # Marta sees it: the list counts one firing, and the ticket's page shows the new queue.
    page.goto(f"{base}/automations/")
    assert page.get_by_test_id("fired").first.inner_text() == "1"
    page.goto(f"{base}/tickets/{ticket.pk}/")
    assert "Billing" in page.locator("#main").inner_text()


def test_ana_switches_to_away_in_the_top_bar_with_one_click(live_server, agent, support_queue, chromium):
    from automations import routing

    page = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
    base = live_server.url
    log_in(page, base, "ana")
    switch = page.get_by_test_id("availability")
    assert switch.inner_text().startswith("Available")
    assert accessibility_problems(page, base, "nav") == []
    switch.click()
    page.wait_for_selector("[data-testid=availability].btn-warning")  # the swapped-in "Away" button
    assert routing.availability_of(agent) == "away"
    page.reload()
    assert page.get_by_test_id("availability").inner_text().startswith("Away")
