"""Every list API filters through a django-filter FilterSet; a bad filter value is a 400 naming the parameter."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.mixins import ListModelMixin
from rest_framework.test import APIClient

from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _api_views(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "cls", None)
            if cls is not None and (prefix + str(entry.pattern)).startswith("api/"):
                yield prefix + str(entry.pattern), entry.callback, cls


# Lists without a model queryset to filter: reports and the caller's own summary (their parameters are
# parsed by their own forms and answer 400 the same way).
NOT_LISTS = {"CsatReportView", "OperationsReportView", "DiscretionMeView", "Suggest"}


def test_every_list_api_has_a_filterset():
    missing = []
    for route, callback, cls in _api_views(get_resolver()):
        actions = getattr(callback, "actions", None) or {}
        is_list = issubclass(cls, ListModelMixin) and (not actions or actions.get("get") == "list")
        if cls.__name__ in NOT_LISTS or not (is_list or cls.__name__.endswith("List")):
            continue
        if getattr(cls, "filterset_class", None) is None:
            missing.append(f"{route} ({cls.__name__})")
    assert missing == [], "give these a django-filter FilterSet (filterset_class): " + ", ".join(missing)


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.mark.parametrize(
    ("url", "param", "value"),
    [
        ("/api/tickets/", "status", "maybe"),
        ("/api/tickets/", "ordering", "shoe_size"),
        ("/api/tickets/{ticket}/messages/", "kind", "shout"),
        ("/api/offscript-actions/", "status", "sideways"),
        ("/api/offscript-actions/", "since", "yesterday"),
        ("/api/offscript-actions/", "agent", "nobody-here"),
        ("/api/surveys/", "rating", "nine"),
        ("/api/kudos/", "recipient", "nobody-here"),
        ("/api/kudos/", "since", "last tuesday"),
        ("/api/kb/articles/", "language", "klingon"),
        ("/api/kb/articles/", "published", "perhaps"),
        ("/api/webhooks/", "active", "perhaps"),
        ("/api/automations/", "event", "moon_phase"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, support_queue, url, param, value):
    ticket = TicketFactory(queue=support_queue)
    response = api.get(url.format(ticket=ticket.pk), {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_good_filter_values_still_list(api, support_queue, manager):
    ticket = TicketFactory(queue=support_queue)
    assert api.get(f"/api/tickets/{ticket.pk}/messages/", {"kind": "customer"}).status_code == 200
    assert api.get("/api/kudos/", {"recipient": manager.username}).json()["count"] == 0
    assert api.get("/api/automations/", {"active": "true"}).status_code == 200
    assert api.get("/api/webhooks/", {"active": "false"}).status_code == 200


@pytest.mark.parametrize(
    "since",
    ["2026-01-01T00:00:00+19:55", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"],
)
def test_a_moment_with_any_offset_is_compared_in_utc(since, agent, manager):
    """PostgreSQL refuses offsets beyond ±15:59 in a literal, and UTC ends at year 1 and 9999: all still answer."""
    client = APIClient()
    client.force_authenticate(manager)
    for url in ("/api/kudos/", "/api/surveys/", "/api/webhooks/"):
        response = client.get(url, {"since": since})
        assert response.status_code == 200, (url, since, response.content[:200])
