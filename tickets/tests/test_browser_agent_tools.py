"""In real Chromium: ana selects three tickets (a shift-click range), changes them in bulk, merges two,
and mentions lena in a note through the autocomplete; lena gets the notice and follows it to the note."""

import pytest

from helpdesk.testing import accessibility_problems
from notices.models import Notice
from notices.selectors import render, url
from tickets.models import Ticket
from tickets.tests.factories import MessageFactory, TicketFactory


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
def test_ana_bulk_changes_merges_and_mentions_lena(
    chromium, live_server, transactional_db, agent, lead, support_queue, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tickets = [
        TicketFactory(
            subject=f"Parcel {n} missing", queue=support_queue, customer=customer, assignee=agent, status="open"
        )
        for n in (1, 2, 3)
    ]
    for t in tickets:
        MessageFactory(ticket=t, body=f"Where is {t.subject}?")
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "ana")

    boxes = page.locator(".bulk-check")
    assert boxes.count() == 3
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    assert page.locator("#bulk-count").inner_text() == "3 selected"
    assert accessibility_problems(page, live_server.url) == []
    page.get_by_label("Set priority").select_option("high")
    page.get_by_label("Add tags").fill("courier")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("3 tickets changed.").wait_for()
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"high"}
    assert Ticket.objects.filter(tags__name="courier").count() == 3

    oldest, second = tickets[0], tickets[1]
    page.get_by_label(f"Select {oldest.reference}").check()
    page.get_by_label(f"Select {second.reference}").check()
    page.get_by_role("button", name="Merge selected…").click()
    page.get_by_role("heading", name="Merge tickets").wait_for()
    assert accessibility_problems(page, live_server.url) == []
    page.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_url(f"**/tickets/{oldest.pk}/")
    second.refresh_from_db()
    assert second.merged_into_id == oldest.pk
    assert "Where is Parcel 2 missing?" in page.locator(".thread").inner_text()

    page.get_by_text("Internal note", exact=True).click()
    composer = page.get_by_placeholder("Write a reply to the customer")
    composer.click()
    composer.press_sequentially("Can you check the courier, @le")
    page.locator("#mention-list li", has_text="Lena Novak").click()
    composer.press_sequentially("please?")
    assert composer.input_value() == "Can you check the courier, @lena please?"
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url(f"**/tickets/{oldest.pk}/#message-*")
    assert errors == []

    notice = Notice.objects.get(user=lead)
    assert "Ana Silva mentioned you" in render(notice)
    lena = chromium.new_page(viewport={"width": 1366, "height": 900})
    log_in(lena, live_server.url, "lena")
    # Lena sees it from any page: the unread badge, the list, then the note itself.
    lena.locator("#notice-badge").click()
    lena.get_by_role("link", name=render(notice)).click()
    lena.wait_for_url(f"**{url(notice)}")
    assert "@lena please?" in lena.locator(".thread").inner_text()


@pytest.mark.browser
def test_ana_saves_a_view_by_a_custom_field_and_it_lists_its_count(
    chromium, live_server, transactional_db, agent, manager, support, support_queue, customer
):
    from tickets.services_fields import create_ticket_field

    create_ticket_field(
        by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"], inbox_column=True
    )
    for n, product in enumerate(["laptop", "laptop", "phone"]):
        TicketFactory(
            subject=f"Screen {n}", queue=support_queue, customer=customer, assignee=agent, status="open",
            fields={"product": product},
        )  # fmt: skip
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, "ana")
    page.get_by_label("Product", exact=True).select_option("laptop")
    page.wait_for_url("**field.product=laptop**")
    page.locator("#results-count", has_text="2 tickets").wait_for()
    page.get_by_text("Save as view", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Laptops")
    page.get_by_label("Who sees it").select_option(label="Shared with Support")
    page.get_by_role("button", name="Save view").click()
    page.locator(".saved-views a.active", has_text="Laptops").wait_for()
    assert page.locator(".saved-views a.active .badge").inner_text() == "2"
    assert page.locator("td.field-col", has_text="laptop").count() == 2
    assert accessibility_problems(page, live_server.url) == []
