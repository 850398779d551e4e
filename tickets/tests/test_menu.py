"""The staff menu: grouped so it fits 1366 px for every role, and re-fetchable alone so counts follow actions."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tickets.context_processors import nav_groups, navigation

pytestmark = pytest.mark.django_db


def menu_for(user):
    request = RequestFactory().get("/")
    request.user = user
    request.htmx = None
    with translation.override("en"):
        context = navigation(request)
        for item in context["extra_nav"]:
            item["label"] = str(item["label"])
        for group in context["nav_groups"]:
            group["label"] = str(group["label"])
        return context


def test_a_managers_entries_are_grouped_into_dropdowns(manager):
    context = menu_for(manager)
    assert len(context["nav_top"]) <= 2  # Approvals (and the Inbox, always there) stay on the bar
    groups = {g["key"]: [i["label"] for i in g["items"]] for g in context["nav_groups"]}
    assert {"Dashboard", "Operations", "Surveys", "Off-script audit"} <= set(groups["reports"])
    assert "My feedback" in groups["me"]


def test_an_agent_has_no_reports_menu(agent):
    keys = [g["key"] for g in menu_for(agent)["nav_groups"]]
    assert "reports" not in keys and "admin" not in keys


def test_a_group_badge_adds_up_its_entries():
    top, groups = nav_groups(
        [
            {"label": "A", "url": "/a/", "group": "team", "count": 2},
            {"label": "B", "url": "/b/", "group": "team", "count": 1},
            {"label": "C", "url": "/c/"},
        ]
    )
    assert [i["label"] for i in top] == ["C"] and groups[0]["count"] == 3


def test_the_menu_alone_is_served_for_htmx_to_swap(client, agent):
    client.force_login(agent)
    response = client.get(reverse("tickets:nav"))
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<nav") and "<html" not in html
    assert 'id="main-nav"' in html and 'hx-swap="outerHTML"' in html


def test_the_menu_is_for_staff_only(client, db):
    assert client.get(reverse("tickets:nav")).status_code == 302
