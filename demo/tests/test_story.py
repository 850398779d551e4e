"""The demo tells one story: what the announcements quote is what the pages show."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from recognition.models import Announcement

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_refund_policy_quotes_the_limits_an_agents_panel_shows(client, demo):
    policy = Announcement.objects.get(title__startswith="New refund policy")
    client.login(username="bruno", password="demo")
    refund = next(k for k in client.get("/api/discretion/me/").json()["kinds"] if k["kind"] == "refund")
    for figure in ("per_action_limit", "period_budget", "manager_threshold"):
        assert f"{refund[figure]} {refund['currency']}" in policy.body_html


def test_the_csat_news_quotes_the_number_on_the_managers_dashboard(client, demo):
    news = Announcement.objects.get(title__startswith="We reached")
    quoted = re.search(r"We reached ([\d.]+ %) CSAT", news.title).group(1)
    client.login(username="marta", password="demo")
    published, today = news.published_at.date(), timezone.localdate()
    if (published.year, (published.month - 1) // 3) != (today.year, (today.month - 1) // 3):
        pytest.skip('published in the previous quarter: today\'s "Last quarter" is another one')
    # The quarter before publication, as the dashboard's "Last quarter" shows it.
    html = client.get(reverse("insights:dashboard"), {"period": "last_quarter"}).content.decode()
    shown = re.search(r'data-testid="csat"><a [^>]*>([^<]+)</a>', html).group(1)
    assert shown == quoted
