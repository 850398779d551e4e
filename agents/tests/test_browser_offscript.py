"""In a real Chromium: an agent takes one action within her latitude and one beyond it from the ticket
page; a manager approves the second on the approval queue."""

import pytest

from agents.models import ActionStatus, OffscriptAction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_action_within_limits_one_above_and_a_manager_approving(
    live_server, seeded_kinds, agent_policy, ticket, lead, manager, browser_page
):
    page = browser_page
    base = live_server.url
    log_in(page, base, "ana")
    page.goto(f"{base}/tickets/{ticket.pk}/")

    panel = page.locator("#discretion-panel")
    panel.get_by_label("Kind", exact=True).select_option(label="Refund")
    panel.get_by_label("Amount", exact=True).fill("20")
    panel.get_by_label("Reason", exact=True).fill("Charged twice for the same order")
    panel.get_by_role("button", name="Record action").click()
    page.wait_for_selector("#discretion-panel .alert-success")
    panel = page.locator("#discretion-panel")
    assert "Done: Refund 20.00 EUR is within your latitude." in panel.inner_text()
    assert panel.locator("tr[data-kind=refund] td[data-left]").get_attribute("data-left") == "180.00"

    panel.get_by_label("Kind", exact=True).select_option(label="Refund")
    panel.get_by_label("Amount", exact=True).fill("160")
    panel.get_by_label("Reason", exact=True).fill("The replacement also broke")
    panel.get_by_role("button", name="Record action").click()
    page.wait_for_selector("#discretion-panel .pending-action")
    panel = page.locator("#discretion-panel")
    text = panel.inner_text()
    assert "Refund 160.00 EUR needs approval; the request was sent." in text
    assert "Waiting for approval" in text and "cannot be closed" in text
    assert "Marta Costa" in panel.locator(".pending-action").inner_text()  # above 150: the manager decides

    page.context.clear_cookies()
    log_in(page, base, "marta")
    page.goto(f"{base}/discretion/approvals/")
    row = page.locator(".approval-row").first
    assert ticket.reference in row.inner_text() and "160.00 EUR" in row.inner_text()
    assert "The replacement also broke" in row.inner_text()
    assert "Ana Silva asks to approve Refund 160.00 EUR" in page.locator("#notifications").inner_text()
    row.get_by_label("Note").fill("Fair, given the second failure")
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector(".approval-row[data-status=approved]")
    decided = page.locator(".approval-row[data-status=approved]")
    assert "Approved" in decided.inner_text() and "Marta Costa" in decided.inner_text()

    action = OffscriptAction.objects.get(amount="160.00")
    assert action.status == ActionStatus.APPROVED and action.decided_by == manager
    assert action.decision_note == "Fair, given the second failure"
