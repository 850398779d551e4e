"""The inbox: views, filters, search, sorting, pagination, permissions and a pinned number of queries."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.tests.factories import CustomerFactory, TicketFactory, UserFactory

INBOX = reverse("tickets:inbox")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def refs(response):
    return [t.reference for t in response.context["page"].object_list]


@pytest.fixture
def board(support_queue, billing_queue, agent, teammate, other_agent, customer):
    """A handful of tickets that each view should tell apart."""
    now = timezone.now()
    return {
        "mine_open": TicketFactory(
            subject="Charged twice",
            queue=support_queue,
            assignee=agent,
            status="open",
            priority="high",
            customer=customer,
            updated_at=now - dt.timedelta(hours=1),
        ),
        "mine_solved": TicketFactory(
            subject="Old invoice",
            queue=support_queue,
            assignee=agent,
            status="solved",
            updated_at=now - dt.timedelta(days=3),
        ),
        "unassigned": TicketFactory(
            subject="Kettle arrived broken",
            queue=support_queue,
            status="new",
            priority="urgent",
            updated_at=now - dt.timedelta(hours=2),
            search_document="Kettle arrived broken lid cracked",
        ),
        "teammate": TicketFactory(
            subject="Password reset",
            queue=support_queue,
            assignee=teammate,
            status="pending",
            priority="low",
            updated_at=now - dt.timedelta(hours=3),
        ),
        "breached": TicketFactory(
            subject="Late parcel",
            queue=support_queue,
            assignee=teammate,
            status="open",
            resolution_due=now - dt.timedelta(hours=5),
            updated_at=now - dt.timedelta(hours=4),
        ),
        "near": TicketFactory(
            subject="Need a receipt",
            queue=support_queue,
            status="new",
            first_response_due=now + dt.timedelta(minutes=20),
            updated_at=now - dt.timedelta(hours=5),
        ),
        "billing": TicketFactory(
            subject="Refund for order",
            queue=billing_queue,
            assignee=other_agent,
            status="open",
            updated_at=now - dt.timedelta(minutes=5),
        ),
    }


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_people_without_a_staff_role_are_refused(client, db):
    client.force_login(UserFactory(username="visitor", role=None))
    assert client.get(INBOX).status_code == 403


def test_the_default_view_is_my_open_tickets(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert refs(response) == [board["mine_open"].reference]
    assert "Charged twice" in response.content.decode()


@pytest.mark.parametrize(
    "view, expected",
    [
        ("unassigned", ["unassigned", "near"]),
        ("department", ["mine_open", "unassigned", "teammate", "breached", "near"]),
        ("pending", ["teammate"]),
        ("sla", ["breached", "near"]),
        ("all", ["mine_open", "unassigned", "teammate", "breached", "near", "mine_solved"]),
    ],
)
def test_each_view_shows_its_tickets(client, agent, board, view, expected):
    client.force_login(agent)
    response = client.get(INBOX, {"view": view, "sort": "updated"})
    assert refs(response) == [board[key].reference for key in expected]


def test_another_departments_tickets_never_show(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "all", "q": "Refund"})
    assert refs(response) == []


def test_a_manager_sees_every_department(client, manager, board):
    client.force_login(manager)
    response = client.get(INBOX, {"view": "all"})
    assert board["billing"].reference in refs(response)


def test_sla_column_marks_breached_and_near(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "sla"})
    states = {t.reference: t.sla for t in response.context["page"].object_list}
    assert states == {board["breached"].reference: "breached", board["near"].reference: "near"}
    html = response.content.decode()
    # A countdown from the stored (business-hours) due times, not only a word.
    assert "overdue 5 h" in html and "due in 19 min" in html


def test_the_inbox_opens_most_urgent_first(client, agent, board):
    """Breached first, then the target due soonest, then priority; paused (pending) and solved last."""
    client.force_login(agent)
    response = client.get(INBOX, {"view": "all"})
    order = refs(response)
    assert order[:2] == [board["breached"].reference, board["near"].reference]
    assert order.index(board["unassigned"].reference) < order.index(board["teammate"].reference)
    assert order.index(board["mine_open"].reference) < order.index(board["mine_solved"].reference)
    sort_select = response.content.decode().split('name="sort"')[1]
    assert sort_select.index('value="urgency"') < sort_select.index('value="updated"')  # the first, shown option


def test_among_tickets_without_a_running_clock_priority_decides(client, agent, support_queue):
    low = TicketFactory(
        queue=support_queue, status="open", priority="low", resolution_due=None, first_response_due=None
    )
    urgent = TicketFactory(
        queue=support_queue, status="open", priority="urgent", resolution_due=None, first_response_due=None
    )
    client.force_login(agent)
    assert refs(client.get(INBOX, {"view": "all"})) == [urgent.reference, low.reference]


def test_the_countdown_reads_in_the_persons_language(client, agent, board):
    agent.profile.language = "pt"
    agent.profile.save()
    client.force_login(agent)
    html = client.get(INBOX, {"view": "sla"}).content.decode()
    assert "atrasado 5 h" in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "pending"}, ["teammate"]),
        ({"priority": "urgent"}, ["unassigned"]),
        ({"assignee": "none"}, ["unassigned", "near"]),
        ({"assignee": "me"}, ["mine_open", "mine_solved"]),
        ({"tag": "vip"}, ["mine_open"]),
        ({"q": "kettle cracked"}, ["unassigned"]),
        ({"status": "solved"}, ["mine_solved"]),
    ],
)
def test_filters_narrow_the_list(client, agent, board, params, expected):
    services.set_tags(ticket=board["mine_open"], names=["vip"], by=agent)
    client.force_login(agent)
    response = client.get(INBOX, {"view": "all", "sort": "updated", **params})
    assert refs(response) == [board[key].reference for key in expected]


def test_the_filters_show_what_was_chosen_and_escape_their_labels(client, agent, board):
    from tickets.models import Tag

    Tag.objects.create(name="<b>fragile</b>")
    client.force_login(agent)
    html = client.get(INBOX, {"view": "all", "status": "pending", "assignee": "me"}).content.decode()
    assert '<option value="pending" selected>' in html and '<option value="open" selected>' not in html
    assert '<option value="me" selected>' in html
    assert "&lt;b&gt;fragile&lt;/b&gt;" in html and "<b>fragile</b>" not in html


def test_filter_by_queue_and_assignee_id(client, manager, board, billing_queue, other_agent):
    client.force_login(manager)
    response = client.get(INBOX, {"view": "all", "queue": billing_queue.pk})
    assert refs(response) == [board["billing"].reference]
    response = client.get(INBOX, {"view": "all", "assignee": other_agent.pk})
    assert refs(response) == [board["billing"].reference]


def test_search_by_reference(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "all", "q": board["teammate"].reference})
    assert refs(response) == [board["teammate"].reference]


def test_a_status_filter_on_mine_shows_my_solved_tickets(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "mine", "status": "solved"})
    assert refs(response) == [board["mine_solved"].reference]


def test_sorting_by_priority_and_by_oldest(client, agent, board):
    client.force_login(agent)
    by_priority = refs(client.get(INBOX, {"view": "department", "sort": "priority"}))
    assert by_priority[:2] == [board["unassigned"].reference, board["mine_open"].reference]
    assert by_priority[-1] == board["teammate"].reference
    oldest = refs(client.get(INBOX, {"view": "department", "sort": "-updated"}))
    assert oldest[0] == board["near"].reference


def test_bad_filter_values_are_ignored_not_an_error(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "bogus", "status": "nope", "queue": "x", "sort": "drop table", "page": "z"})
    assert response.status_code == 200


def test_the_sidebar_counts_each_view(client, agent, board):
    client.force_login(agent)
    counts = {key: count for key, _label, count in client.get(INBOX).context["view_tabs"]}
    assert counts == {"mine": 1, "unassigned": 2, "department": 5, "pending": 1, "sla": 2, "all": 6}


def test_pages_of_25(client, agent, support_queue):
    TicketFactory.create_batch(30, queue=support_queue, assignee=agent, status="open")
    client.force_login(agent)
    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})
    assert len(refs(first)) == 25 and len(refs(second)) == 5
    assert set(refs(first)).isdisjoint(refs(second))
    assert "page=2" in first.content.decode()


def test_htmx_requests_get_only_the_list(client, agent, board):
    client.force_login(agent)
    response = client.get(INBOX, {"view": "all", "status": "", "q": "parcel"}, headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == f"{INBOX}?view=all&q=parcel"
    html = response.content.decode()
    assert 'id="results"' in html and "<nav" not in html.split('id="results"')[0]
    assert "<html" not in html


def test_times_are_shown_in_the_viewers_time_zone(client, agent, support_queue):
    agent.profile.timezone = "America/Sao_Paulo"
    agent.profile.save()
    TicketFactory(
        queue=support_queue, assignee=agent, status="open", updated_at=dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    )
    client.force_login(agent)
    html = client.get(INBOX).content.decode()
    assert "2026-03-02T09:00:00-03:00" in html


def _inbox_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(INBOX, params).status_code == 200
    return len(ctx.captured_queries)


def _make(n, agent, queue):
    for _ in range(n):
        t = TicketFactory(
            queue=queue, assignee=agent, status="open", customer=CustomerFactory(), search_document="a parcel"
        )
        services.set_tags(ticket=t, names=["vip", "refund"], by=agent, record=False)


PARAMS = {"view": "all", "tag": "vip", "q": "parcel", "sort": "priority"}


def test_query_count_does_not_grow_with_rows(client, agent, support_queue):
    _make(3, agent, support_queue)
    client.force_login(agent)
    cache.clear()
    cold_few = _inbox_queries(client, PARAMS)
    warm_few = _inbox_queries(client, PARAMS)
    _make(22, agent, support_queue)
    cache.clear()
    cold_many = _inbox_queries(client, PARAMS)
    warm_many = _inbox_queries(client, PARAMS)
    assert (cold_few, warm_few) == (cold_many, warm_many)
    assert len(refs(client.get(INBOX, PARAMS))) == 25


def test_a_warm_inbox_page_takes_at_most_12_queries(client, agent, support_queue, django_assert_max_num_queries):
    _make(25, agent, support_queue)
    client.force_login(agent)
    client.get(INBOX, PARAMS)  # warms the session, sidebar counts and filter options
    with django_assert_max_num_queries(12):
        response = client.get(INBOX, PARAMS)
    assert len(refs(response)) == 25


def test_a_search_pages_and_counts_its_matches(client, agent, support_queue, monkeypatch):
    """The search counts its matches in the same query as its page: counts, pages and the end agree."""
    from tickets import views_saved

    TicketFactory.create_batch(
        30, queue=support_queue, assignee=agent, status="open", subject="Parcel lost", search_document="parcel lost"
    )
    TicketFactory.create_batch(4, queue=support_queue, assignee=agent, status="open", subject="Invoice")
    client.force_login(agent)
    first = client.get(INBOX, {"view": "all", "q": "parcel"})
    second = client.get(INBOX, {"view": "all", "q": "parcel", "page": 2})
    assert isinstance(first.context["page"].paginator, views_saved.SearchPaginator)
    assert first.context["page"].paginator.count == second.context["page"].paginator.count == 30
    assert 'id="results-count">30 tickets' in first.content.decode()
    assert len(refs(first)) == 25 and len(refs(second)) == 5
    assert set(refs(first)).isdisjoint(refs(second))
    past_the_end = client.get(INBOX, {"view": "all", "q": "parcel", "page": 9})
    assert refs(past_the_end) == refs(second)  # the last page, as without a search
    nothing = client.get(INBOX, {"view": "all", "q": "zeppelin"})
    assert refs(nothing) == [] and nothing.context["page"].paginator.count == 0
    monkeypatch.setattr(views_saved, "COUNT_CAP", 20)
    capped = client.get(INBOX, {"view": "all", "q": "parcel"})
    assert capped.context["page"].paginator.capped and "More than 20 tickets" in capped.content.decode()
