"""A team's first day in real Chromium: ana (agent), lena (lead) and marta (manager) sign in and walk their
first screens at 1366 px and at 360 px. Each screen has no sideways scroll and no serious axe-core fault;
the menu fits one line at 1366 px and folds behind a button on a phone; ana's inbox shows 12+ tickets on a
1366×800 screen; a decision or a side-panel save changes the page in place, menu counts included."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from helpdesk.testing import accessibility_problems
from tickets.tests.factories import TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = (1366, 360)
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def first_day(transactional_db, agent, lead, manager, support_queue, customer):
    """Twenty tickets on ana's desk (some overdue, some due soon) and one refund waiting for approval."""
    from agents import services as agent_services
    from agents.tests.factories import DiscretionPolicyFactory, set_limits

    importlib.import_module("agents.migrations.0002_seed_kinds").seed(apps, None)
    set_limits(DiscretionPolicyFactory(name="Agents", role="agent"), "refund")
    now = timezone.now()
    tickets = [
        TicketFactory(
            subject=f"Order {4800 + n} arrived damaged, box crushed in transit",
            queue=support_queue,
            customer=customer,
            assignee=agent,
            status="open",
            priority=("low", "normal", "high", "urgent")[n % 4],
            resolution_due=now + dt.timedelta(hours=n - 4),
        )
        for n in range(20)
    ]
    agent_services.record_offscript_action(
        ticket=tickets[0], by=agent, kind="refund", amount="120.00", reason="Broken twice"
    )
    return tickets


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_screen(page, base: str, width: int, what: str) -> None:
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{what} at {width} px scrolls sideways"
    assert accessibility_problems(page, base) == [], what
    menu = page.locator("#main-nav")
    if width >= 1366:
        # One line: the bar is no taller than its brand and buttons.
        assert menu.bounding_box()["height"] < 70, f"the menu wraps on {what}"
    else:
        assert page.get_by_role("button", name="Toggle navigation").is_visible()
        assert not page.locator("#mainnav").is_visible()


CUT_OFF_SELECTS = """() => [...document.querySelectorAll('.inbox-filters select')].filter(s => {
  const ctx = document.createElement('canvas').getContext('2d'), st = getComputedStyle(s);
  ctx.font = st.font;
  const room = s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
  return ctx.measureText(s.options[s.selectedIndex].text).width > room + 1;
}).map(s => s.name)"""


def visible_rows(page) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll('.inbox-table tbody tr')]
             .filter(r => { const b = r.getBoundingClientRect(); return b.height > 0 && b.bottom <= innerHeight; }).length"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_ana_starts_on_her_own_tickets_most_urgent_first(chromium, live_server, first_day, width):
    base = live_server.url
    page = chromium.new_page(viewport={"width": width, "height": 800})
    sign_in(page, base, "ana")
    assert page.url.rstrip("/") == base
    check_screen(page, base, width, "ana's inbox")
    first = page.locator(".inbox-table tbody tr").first
    assert "Order 4800" in first.inner_text() and "overdue 4 h" in first.inner_text()
    assert page.evaluate(CUT_OFF_SELECTS) == []  # every filter shows its whole choice ("Any status", …)
    if width == 1366:
        assert visible_rows(page) >= 12
    page.locator(".inbox-table tbody tr a").first.click()
    page.wait_for_url("**/tickets/*/")
    check_screen(page, base, width, "a ticket page")
    if width == 1366:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "first-day-ana-ticket.png"), full_page=True)
        # The side panel saves together and in place: the page is not reloaded.
        page.evaluate("window.__sameDocument = true")
        page.get_by_label("Priority", exact=True).select_option("urgent")
        page.get_by_label("Tags", exact=True).fill("damaged, courier")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_selector("#ticket-header .priority-urgent")
        assert page.evaluate("window.__sameDocument === true")
        assert "courier" in page.locator("#ticket-header").inner_text()
        assert "Saved." in page.locator("#flash").inner_text()
        assert "tags changed: courier, damaged" in page.locator("#history-card").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_lena_starts_on_the_approvals_and_the_menu_count_follows_her_decision(chromium, live_server, first_day, width):
    base = live_server.url
    page = chromium.new_page(viewport={"width": width, "height": 800})
    sign_in(page, base, "lena")
    assert page.url.endswith("/discretion/approvals/")
    check_screen(page, base, width, "lena's approvals")
    if width == 1366:
        assert page.locator('#main-nav [data-nav-count="approvals"]').inner_text() == "1"
        page.evaluate("window.__sameDocument = true")
        page.locator(".approval-row").first.get_by_role("button", name="Approve").click()
        page.wait_for_selector('#main-nav [data-nav-count="approvals"]', state="detached")
        assert page.evaluate("window.__sameDocument === true")
    page.goto(f"{base}/")
    assert "My department" in page.locator(".inbox-views .active").inner_text()
    check_screen(page, base, width, "lena's team inbox")


@pytest.mark.parametrize("width", WIDTHS)
def test_marta_starts_on_the_approvals_and_finds_her_reports_grouped(chromium, live_server, first_day, width):
    base = live_server.url
    page = chromium.new_page(viewport={"width": width, "height": 800})
    sign_in(page, base, "marta")
    assert page.url.endswith("/discretion/approvals/")
    check_screen(page, base, width, "marta's approvals")
    if width < 1366:
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/insights/**")
    check_screen(page, base, width, "marta's dashboard")
    page.goto(f"{base}/")
    check_screen(page, base, width, "marta's team inbox")
    if width == 360:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "first-day-marta-360.png"), full_page=True)
