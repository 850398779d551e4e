"""The report pages name the period they show: the preset picked, or a custom range's dates."""

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

pytestmark = pytest.mark.django_db


def label(html: str) -> str:
    return re.search(r'data-testid="period-label">([^<]+)<', html).group(1)


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@freeze_time("2026-03-18 10:00")
@pytest.mark.parametrize(
    "period, expected", [("this_week", "This week"), ("this_month", "This month"), ("this_quarter", "This quarter")]
)
def test_the_dashboard_names_the_preset_it_shows(as_manager, period, expected):
    html = as_manager.get(reverse("insights:dashboard"), {"period": period}).content.decode()
    assert label(html) == expected


@freeze_time("2026-03-18 10:00")
def test_a_month_is_never_called_this_week(as_manager):
    html = as_manager.get(reverse("insights:dashboard"), {"period": "this_month"}).content.decode()
    assert "This week" not in html.split('name="period"')[0]  # the heading, before the picker's options
    assert "01/03/2026 – 18/03/2026" in html  # and its dates, in the one date format of the page


@freeze_time("2026-03-18 10:00")
def test_a_custom_range_is_named_by_its_dates(as_manager):
    query = {"period": "custom", "since": "2026-02-03", "until": "2026-03-09"}
    for name in ("insights:dashboard", "insights:operations"):
        assert label(as_manager.get(reverse(name), query).content.decode()) == "03/02/2026 – 09/03/2026"


@freeze_time("2026-03-18 10:00")
def test_my_feedback_names_its_period_too(client, agent):
    client.force_login(agent)
    html = client.get(reverse("insights:me"), {"period": "last_month"}).content.decode()
    assert label(html) == "Last month"
