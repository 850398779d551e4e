"""Operational reports count business minutes of the department's calendar, not wall-clock time."""

import datetime as dt
import zoneinfo

from insights.models import TicketStats
from tickets import services
from tickets.models import BusinessCalendar

LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def test_first_response_over_a_weekend_counts_only_opening_hours(support, support_queue, agent, monkeypatch):
    BusinessCalendar.objects.create(
        department=support, timezone="Europe/Lisbon", week=[[["09:00", "17:00"]] for _ in range(5)] + [[], []]
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 6, 16, 30, tzinfo=LISBON))
    ticket = services.create_ticket(subject="Printer", body="?", customer_email="y@example.com", queue=support_queue)
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 9, 9, 15, tzinfo=LISBON))
    services.add_message(ticket=ticket, by=agent, body="Good morning")
    # Friday 16:30 → Monday 09:15: 30 + 15 business minutes, though 64 hours passed.
    assert TicketStats.objects.get(pk=ticket.pk).first_response_minutes == 45


def test_without_a_calendar_every_minute_counts(support_queue, agent, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 6, 16, 30, tzinfo=LISBON))
    ticket = services.create_ticket(subject="Printer", body="?", customer_email="z@example.com", queue=support_queue)
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 3, 6, 18, 0, tzinfo=LISBON))
    services.add_message(ticket=ticket, by=agent, body="Evening")
    assert TicketStats.objects.get(pk=ticket.pk).first_response_minutes == 90
