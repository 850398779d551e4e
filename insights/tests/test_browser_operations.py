"""In a real Chromium: marta opens the operational report, changes the period, sees the charts drawn and
the numbers, and drills down to the tickets behind "solved"; axe finds nothing serious."""

import datetime as dt

import pytest
from django.utils import timezone

from helpdesk.testing import accessibility_problems
from insights.tests.test_browser_dashboard import canvas_ink, log_in
from tickets import services
from tickets.models import Status, Ticket, TicketEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marta_reads_the_operations_report_and_drills_down(
    live_server, manager, agent, teammate, support_queue, chromium
):
    for n in range(6):
        who = agent if n % 2 else teammate
        ticket = services.create_ticket(
            subject=f"Order {n} late", body="Where is it?", customer_email=f"o{n}@example.com", queue=support_queue
        )
        services.assign_ticket(ticket=ticket, assignee=who, by=who)
        services.add_message(ticket=ticket, by=who, body="Checking")
        if n < 4:
            services.change_status(ticket=ticket, status=Status.SOLVED, by=who)
    # Two of them from last month: outside "this month", inside a custom period from 60 days ago.
    old = timezone.now() - dt.timedelta(days=40)
    for ticket in Ticket.objects.order_by("pk")[:2]:
        Ticket.objects.filter(pk=ticket.pk).update(created_at=old, solved_at=old + dt.timedelta(hours=2))
        TicketEvent.objects.filter(ticket=ticket).update(created_at=old)
    from insights import metrics

    metrics.rebuild()

    page = chromium.new_context(viewport={"width": 1366, "height": 900}).new_page()
    base = live_server.url
    log_in(page, base, "marta")
    page.goto(f"{base}/insights/operations/?period=this_month")
    assert page.get_by_role("heading", name="Operations", exact=True).is_visible()
    this_month = page.get_by_test_id("ops-created").inner_text().replace(" ", "")
    assert this_month == "4/2"  # created / solved this month

    since = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    page.select_option("#id_period", "custom")
    page.fill("#id_since", since)
    page.fill("#id_until", timezone.localdate().isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(lambda url: "period=custom" in url)
    assert page.get_by_test_id("ops-created").inner_text().replace(" ", "") == "6/4"

    page.wait_for_function("() => Object.keys(Chart.instances).length >= 2")
    drawn, blank = canvas_ink(page, "#volume-canvas")
    assert drawn > blank * 2, (drawn, blank)
    assert page.get_by_test_id("ops-heatmap").locator("tbody tr").count() == 7
    assert accessibility_problems(page, base, "#main") == []

    page.get_by_test_id("ops-created").get_by_role("link").nth(1).click()
    page.wait_for_url(lambda url: "/insights/operations/tickets/" in url and "cohort=solved" in url)
    assert page.get_by_test_id("ops-tickets").locator("tbody tr").count() == 4
    page.get_by_test_id("ops-tickets").locator("tbody tr").first.get_by_role("link").click()
    page.wait_for_url(lambda url: "/tickets/" in url)
