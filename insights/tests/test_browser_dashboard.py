"""In a real Chromium: marta opens the satisfaction dashboard, changes the period, sees the charts drawn,
toggles a chart's table, drills down to the surveys behind the CSAT, and a screenshot is kept."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from helpdesk.testing import accessibility_problems
from insights.tests.factories import make_action, make_kind, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser_page(chromium):
    return chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def canvas_ink(page, selector: str) -> tuple[int, int]:
    """Length of the canvas's PNG data URL, and that of a blank canvas of the same size."""
    return page.evaluate(
        """(sel) => { const c = document.querySelector(sel); const b = document.createElement('canvas');
        b.width = c.width; b.height = c.height; return [c.toDataURL().length, b.toDataURL().length]; }""",
        selector,
    )


def test_marta_changes_the_period_drills_down_and_the_charts_are_drawn(
    live_server, manager, agent, teammate, other_agent, support_queue, billing_queue, browser_page
):
    now = timezone.now()
    ratings = [5, 5, 4, 4, 3, 1, 2, 5, None, 4]
    for i, rating in enumerate(ratings):
        who = agent if i % 2 else teammate
        survey = make_survey(
            agent=who,
            queue=support_queue,
            sent_at=now - dt.timedelta(days=3 + 4 * i),
            rating=rating,
            comment={5: "Wonderful, thank you", 1: "Nobody answered for a week"}.get(rating, ""),
            low_reason="wait" if rating == 1 else "",
        )
        if i < 3:
            make_action(ticket=survey.ticket, agent=who, kind=make_kind())
    make_survey(agent=other_agent, queue=billing_queue, sent_at=now - dt.timedelta(days=5), rating=2)
    since = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    until = timezone.localdate().isoformat()

    page = browser_page
    base = live_server.url
    log_in(page, base, "marta")
    page.goto(f"{base}/insights/")
    assert page.get_by_role("heading", name="Customer satisfaction").is_visible()

    page.select_option("#id_period", "custom")
    page.fill("#id_since", since)
    page.fill("#id_until", until)
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(lambda url: "period=custom" in url)
    assert page.get_by_test_id("sent").inner_text().strip() == "11"
    assert page.get_by_test_id("responses").inner_text().strip() == "10"
    assert page.get_by_test_id("csat").inner_text().strip() == "60.0 %"  # 6 of 10 rated 4 or 5
    assert page.get_by_test_id("not-enough").is_visible()  # 10 < 30 responses
    assert "Nobody answered for a week" in page.get_by_test_id("worst-comments").inner_text()

    page.wait_for_function("() => Object.keys(Chart.instances).length >= 4")
    drawn, blank = canvas_ink(page, "#trend-canvas")
    assert drawn > blank * 2, (drawn, blank)

    table = page.locator("#dist-table")
    assert table.bounding_box()["height"] <= 1  # visually hidden, still read by screen readers
    assert table.locator("tbody tr").count() == 5
    page.locator("[data-toggle-table=dist-table]").click()
    assert table.bounding_box()["height"] > 50
    assert "Hide the table" in page.locator("[data-toggle-table=dist-table]").inner_text()

    # No serious accessibility fault on the page's own content (axe-core, served locally).
    found = accessibility_problems(page, base, "#main")
    assert found == []

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "insights-dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    blank_page = page.context.new_page()
    blank_page.set_content("<html><body style='background:#f4f6f8'></body></html>")
    blank_shot = blank_page.screenshot()
    blank_page.close()
    assert shot.stat().st_size > 4 * len(blank_shot), (shot.stat().st_size, len(blank_shot))

    page.get_by_test_id("csat").get_by_role("link").click()
    page.wait_for_url(lambda url: "/insights/surveys/" in url and "outcome=satisfied" in url)
    rows = page.get_by_test_id("drill-table").locator("tbody tr")
    assert rows.count() == 6
    assert "Satisfied (4–5)" in page.locator("main").inner_text()
    rows.first.get_by_role("link").click()
    page.wait_for_url(lambda url: "/tickets/" in url)
