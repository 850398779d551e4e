"""Saved views: save the inbox's filters (custom fields included) and sort, personal or shared with a
department; the sidebar lists them with counts from one cached query that is right after a change."""

import pytest
from django.core.cache import cache

from helpdesk.errors import DomainError
from tickets import access, services, services_views
from tickets.models import SavedView
from tickets.services_fields import create_ticket_field, set_field_values
from tickets.tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def product(manager):
    return create_ticket_field(by=manager, key="product", label="Product", type="choice", choices=["laptop", "phone"])


@pytest.fixture
def laptops(support_queue, customer, agent, product):
    tickets = [
        TicketFactory(queue=support_queue, customer=customer, assignee=agent, status="open", fields={"product": p})
        for p in ("laptop", "laptop", "phone")
    ]
    return tickets


def _sidebar_count(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f"<span>{name}")
    badge = html.index('badge rounded-pill text-bg-light">', start)
    return html[badge + len('badge rounded-pill text-bg-light">') : html.index("</span>", badge)]


def test_an_agent_saves_the_current_filters_with_a_custom_field_and_sees_the_view_with_its_count(
    client, agent, laptops
):
    client.force_login(agent)
    response = client.post(
        "/views/", {"name": "Laptops", "department": "", "query": "view=all&field.product=laptop&sort=-created&page=3"}
    )
    view = SavedView.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/?view=all&field.product=laptop&sort=-created&saved={view.pk}"
    )
    assert view.owner == agent and view.department is None
    assert view.query == {"view": "all", "field.product": "laptop", "sort": "-created"}
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert _sidebar_count(page, "Laptops") == "2"
    assert b'aria-current="page"' in page.content
    assert page.content.count(b"Charged") == 0  # the list shows the view's rows: two laptops
    assert len(page.context["page"].object_list) == 2


def test_sidebar_counts_cost_one_query_for_all_views_and_none_when_cached(
    client, agent, laptops, django_assert_num_queries
):
    from tickets import selectors
    from tickets.views_saved import view_filters

    for name, query in [
        ("Laptops", {"field.product": "laptop", "view": "all"}),
        ("Phones", {"field.product": "phone"}),
    ]:
        services_views.save_view(by=agent, name=name, query=query)
    views = selectors.saved_views_for(agent)
    extra = {f"saved{v.pk}": selectors.filters_q(agent, view_filters(agent, v)) for v in views}
    access.roles_of(agent)  # once per request anyway
    with django_assert_num_queries(1):
        counts = selectors.view_counts(agent, extra)
    assert counts[f"saved{views[0].pk}"] == 2 and counts[f"saved{views[1].pk}"] == 1
    assert counts["all"] == 3
    with django_assert_num_queries(0):
        assert selectors.view_counts(agent, extra) == counts


def test_counts_are_right_just_after_a_ticket_changes(client, agent, laptops, django_capture_on_commit_callbacks):
    client.force_login(agent)
    services_views.save_view(by=agent, name="Laptops", query={"view": "all", "field.product": "laptop"})
    assert _sidebar_count(client.get("/"), "Laptops") == "2"
    with django_capture_on_commit_callbacks(execute=True):
        set_field_values(ticket=laptops[2], values={"product": "laptop"}, by=agent)
    assert _sidebar_count(client.get("/"), "Laptops") == "3"
    with django_capture_on_commit_callbacks(execute=True):
        services.create_ticket(
            subject="New laptop", body="Hi", customer_email="x@example.com", fields={"product": "laptop"}
        )
    assert _sidebar_count(client.get("/"), "Laptops") == "4"


def test_a_view_shared_with_a_department_is_listed_for_its_members_only(
    client, agent, teammate, other_agent, laptops, support
):
    services_views.save_view(by=agent, name="Team laptops", query={"field.product": "laptop"}, department=support)
    services_views.save_view(by=agent, name="My phones", query={"field.product": "phone"})
    client.force_login(teammate)
    page = client.get("/").content.decode()
    assert "Team laptops" in page and "My phones" not in page
    client.force_login(other_agent)
    page = client.get("/").content.decode()
    assert "Team laptops" not in page and "My phones" not in page


def test_an_agent_cannot_share_with_another_department(agent, billing):
    with pytest.raises(DomainError) as refused:
        services_views.save_view(by=agent, name="Theirs", query={}, department=billing)
    assert refused.value.field == "department"
    assert not SavedView.objects.exists()


def test_the_owner_edits_and_deletes_a_personal_view_and_nobody_else_may(client, agent, teammate, lead):
    view = services_views.save_view(by=agent, name="Mine", query={"status": "open"})
    for outsider in (teammate, lead):
        client.force_login(outsider)
        assert client.get(f"/views/{view.pk}/").status_code == 404
        assert client.post(f"/views/{view.pk}/delete/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/views/{view.pk}/").status_code == 200
    response = client.post(f"/views/{view.pk}/", {"name": "Open ones", "department": ""})
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Open ones" and view.query == {"status": "open"}
    assert client.get(f"/views/{view.pk}/delete/").status_code == 405
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_a_shared_view_is_editable_by_the_department_lead_but_not_by_a_teammate(client, agent, teammate, lead, support):
    view = services_views.save_view(by=agent, name="Team", query={"status": "open"}, department=support)
    client.force_login(teammate)
    response = client.post(f"/views/{view.pk}/", {"name": "Hijacked", "department": str(support.pk)})
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Team"
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert SavedView.objects.filter(pk=view.pk).exists()
    client.force_login(lead)
    response = client.post(
        f"/views/{view.pk}/", {"name": "Team, pending", "department": str(support.pk), "query": "status=pending&x=1"}
    )
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "Team, pending" and view.query == {"status": "pending"} and view.department == support
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_bad_input_is_a_form_error_never_a_500(client, agent):
    client.force_login(agent)
    assert client.post("/views/", {"name": "", "query": "status=open"}).status_code == 302
    assert client.post("/views/", {"name": "x" * 101, "query": ""}).status_code == 302
    assert client.post("/views/", {"name": "Bad", "department": "abc", "query": "%%%"}).status_code == 302
    assert not SavedView.objects.exists()
    assert client.get("/views/99999/").status_code == 404
    assert client.get("/views/create/").status_code == 404
    assert client.get("/views/").status_code == 405


def test_a_saved_view_with_a_stale_field_filter_still_renders(client, agent, laptops, product, manager):
    from tickets.services_fields import delete_ticket_field

    client.force_login(agent)
    services_views.save_view(by=agent, name="Laptops", query={"view": "all", "field.product": "laptop"})
    delete_ticket_field(field=product, by=manager)
    page = client.get("/")
    assert page.status_code == 200 and "Laptops" in page.content.decode()


def test_customers_and_anonymous_visitors_cannot_save_views(client, db):
    assert client.post("/views/", {"name": "x"}).status_code == 302  # to the login page
    client.force_login(UserFactory(username="nobody", role=None))
    assert client.post("/views/", {"name": "x"}).status_code == 403


def test_an_open_view_whose_filters_changed_offers_to_update_it(client, agent, laptops):
    client.force_login(agent)
    view = services_views.save_view(by=agent, name="Laptops", query={"view": "all", "field.product": "laptop"})
    same = client.get("/", {"view": "all", "field.product": "laptop", "saved": view.pk})
    assert f'name="saved" value="{view.pk}"' in same.content.decode()
    assert "with these filters" not in same.content.decode()
    changed = client.get(
        "/", {"view": "all", "field.product": "phone", "saved": view.pk}, headers={"HX-Request": "true"}
    )
    assert "Update “Laptops” with these filters" in changed.content.decode()
    client.post(f"/views/{view.pk}/", {"name": "Laptops", "department": "", "query": "view=all&field.product=phone"})
    view.refresh_from_db()
    assert view.query == {"view": "all", "field.product": "phone"}
