"""Who may use the ticket API, how they sign in, and the published schema."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/tickets/", "/api/tickets/{pk}/", "/api/tickets/{pk}/messages/"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_get_401(ticket, url):
    response = APIClient().get(url.format(pk=ticket.pk))
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("url", ENDPOINTS)
def test_signed_in_people_without_a_staff_role_get_403(ticket, url):
    outsider = UserFactory(username="shopper", role=None)
    response = client_for(outsider).get(url.format(pk=ticket.pk))
    assert response.status_code == 403


def test_anonymous_and_non_staff_cannot_create_tickets(support_queue):
    payload = {"subject": "Hi", "body": "Hello", "customer_email": "a@example.com"}
    assert APIClient().post("/api/tickets/", payload, format="json").status_code == 401
    outsider = UserFactory(username="shopper", role=None)
    assert client_for(outsider).post("/api/tickets/", payload, format="json").status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS[1:])
def test_an_agent_of_another_department_gets_404(ticket, other_agent, url):
    assert client_for(other_agent).get(url.format(pk=ticket.pk)).status_code == 404


def test_an_agent_of_another_department_cannot_write_on_the_ticket(ticket, other_agent):
    api = client_for(other_agent)
    assert api.post(f"/api/tickets/{ticket.pk}/messages/", {"body": "x"}, format="json").status_code == 404
    assert not ticket.messages.exists()


def test_agents_list_their_department_and_their_own_tickets(support_queue, billing_queue, agent, other_agent):
    ours = TicketFactory(queue=support_queue)
    theirs = TicketFactory(queue=billing_queue)
    lent = TicketFactory(queue=billing_queue, assignee=agent)
    seen = {row["id"] for row in client_for(agent).get("/api/tickets/").json()["results"]}
    assert seen == {ours.pk, lent.pk}
    seen = {row["id"] for row in client_for(other_agent).get("/api/tickets/").json()["results"]}
    assert seen == {theirs.pk, lent.pk}


def test_a_lead_sees_their_department(support_queue, billing_queue, lead):
    ours = TicketFactory(queue=support_queue)
    other = TicketFactory(queue=billing_queue)
    api = client_for(lead)
    assert {row["id"] for row in api.get("/api/tickets/").json()["results"]} == {ours.pk}
    assert api.get(f"/api/tickets/{other.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["manager", "admin_user"])
def test_managers_and_admins_see_every_ticket(request, support_queue, billing_queue, persona):
    user = request.getfixturevalue(persona)
    tickets = {TicketFactory(queue=support_queue).pk, TicketFactory(queue=billing_queue).pk}
    api = client_for(user)
    assert {row["id"] for row in api.get("/api/tickets/").json()["results"]} == tickets
    for pk in tickets:
        assert api.patch(f"/api/tickets/{pk}/", {"priority": "high"}, format="json").status_code == 200


# --- token and session authentication -----------------------------------------------------------


def test_a_token_is_issued_for_a_username_and_password_and_opens_the_api(ticket, agent):
    response = APIClient().post("/api/auth/token/", {"username": "ana", "password": "demo"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=agent).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/tickets/").json()["count"] == 1
    # Same token on the second request.
    again = APIClient().post("/api/auth/token/", {"username": "ana", "password": "demo"}, format="json")
    assert again.json()["token"] == token


def test_a_wrong_password_gets_no_token(agent):
    response = APIClient().post("/api/auth/token/", {"username": "ana", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_a_token_request_without_fields_names_them(db):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert {"username", "password"} <= set(response.json())


def test_a_bad_token_is_refused(ticket):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api.get("/api/tickets/").status_code == 401


def test_the_token_endpoint_is_throttled_for_anonymous_callers(agent, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "ana", "password": f"guess{i}"}, format="json").status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    response = client.post("/api/auth/token/", {"username": "ana", "password": "demo"}, format="json")
    assert response.status_code == 429 and "detail" in response.json()


def test_session_authentication_works_and_requires_csrf_for_writes(ticket, agent):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ana", password="demo")
    assert client.get("/api/tickets/").status_code == 200
    response = client.patch(f"/api/tickets/{ticket.pk}/", {"priority": "high"}, format="json")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_a_mutating_endpoint_refuses_the_wrong_verb(ticket, agent):
    api = client_for(agent)
    assert api.delete(f"/api/tickets/{ticket.pk}/").status_code == 405
    assert api.delete(f"/api/tickets/{ticket.pk}/messages/").status_code == 405
    assert api.get("/api/auth/token/").status_code == 405


# --- schema -------------------------------------------------------------------------------------


def ticket_api_schema() -> dict:
    """The schema of this app's endpoints alone, so other apps' warnings do not hide ours."""
    from django.urls import path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from tickets import api, api_urls

    GENERATOR_STATS.reset()
    patterns = [path(f"api/{p.pattern}", p.callback) for p in api_urls.urlpatterns]
    patterns.append(path("api/auth/token/", api.TokenView.as_view()))
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_the_openapi_schema_describes_the_ticket_endpoints_without_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.validation import validate_schema

    schema = ticket_api_schema()
    validate_schema(schema)
    assert not GENERATOR_STATS, f"spectacular warnings or errors: {capsys.readouterr().err}"
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/tickets/"])
    assert {"get", "patch"} <= set(paths["/api/tickets/{id}/"])
    assert {"get", "post"} <= set(paths["/api/tickets/{id}/messages/"])
    assert "post" in paths["/api/auth/token/"]
    params = {p["name"] for p in paths["/api/tickets/"]["get"]["parameters"]}
    assert {"status", "queue", "assignee", "customer", "q", "ordering", "page"} <= params


def test_the_whole_schema_names_the_ticket_status_enum_without_collision(capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "TicketStatusEnum" in schema["components"]["schemas"]
    assert "collision" not in capsys.readouterr().err


def test_the_schema_and_docs_pages_are_served(agent):
    client = APIClient()
    client.force_authenticate(agent)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_the_docs_page_serves_swagger_ui_from_local_static_files(agent):
    from django.contrib.staticfiles import finders

    client = APIClient()
    client.force_authenticate(agent)
    html = client.get("/api/docs/").content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert finders.find("vendor/swagger-ui/swagger-ui-bundle.js") is not None
