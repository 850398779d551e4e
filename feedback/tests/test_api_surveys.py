import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Survey
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _survey(queue, agent, **kwargs):
    ticket = TicketFactory(queue=queue, assignee=agent, status="solved")
    now = timezone.now()
    return Survey.objects.create(
        ticket=ticket,
        customer=ticket.customer,
        agent=agent,
        queue=queue,
        department=queue.department,
        solved_at=now,
        due_at=now,
        **{"status": "sent", "sent_at": now, **kwargs},
    )


def test_a_manager_sees_every_survey_with_its_answer(api, manager, sent_survey, billing_queue, other_agent):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=2, reason="wait", comment="Too slow")
    _survey(billing_queue, other_agent)
    api.force_authenticate(manager)
    response = api.get("/api/surveys/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and {"next", "previous", "results"} <= set(data)
    row = next(r for r in data["results"] if r["id"] == survey.pk)
    assert row["ticket"] == survey.ticket_id and row["agent"] == survey.agent_id
    assert (row["rating"], row["comment"], row["low_reason"], row["satisfied"]) == (2, "Too slow", "wait", False)
    assert row["sent_at"] and row["answered_at"] and row["agent_name"] == "Ana Silva"
    assert "token_hash" not in row


def test_a_lead_sees_their_departments_surveys_only(api, lead, support_queue, billing_queue, agent, other_agent):
    mine = _survey(support_queue, agent)
    _survey(billing_queue, other_agent)
    api.force_authenticate(lead)
    assert [r["id"] for r in api.get("/api/surveys/").json()["results"]] == [mine.pk]


def test_agents_are_refused(api, agent):
    api.force_authenticate(agent)
    assert api.get("/api/surveys/").status_code == 403


def test_anonymous_callers_are_refused(api):
    assert api.get("/api/surveys/").status_code in (401, 403)


def test_token_authentication_works(api, manager):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=manager)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/surveys/").status_code == 200


def test_filters(api, manager, support_queue, agent, teammate):
    low = _survey(support_queue, agent, status="answered", rating=1, answered_at=timezone.now())
    high = _survey(support_queue, teammate, status="answered", rating=5, answered_at=timezone.now())
    unanswered = _survey(support_queue, agent)
    api.force_authenticate(manager)

    def ids(query):
        response = api.get("/api/surveys/" + query)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids("?low=true") == {low.pk}
    assert ids("?rating=5") == {high.pk}
    assert ids(f"?agent={agent.pk}") == {low.pk, unanswered.pk}
    assert ids("?answered=false") == {unanswered.pk}
    assert ids("?status=answered") == {low.pk, high.pk}


def test_bad_filters_are_a_400_naming_the_field(api, manager):
    api.force_authenticate(manager)
    response = api.get("/api/surveys/?rating=9")
    assert response.status_code == 400 and "rating" in response.json()
    assert api.get("/api/surveys/?since=yesterday").status_code == 400


def test_the_list_is_paginated_and_its_query_count_flat(
    api, manager, support_queue, agent, django_assert_max_num_queries
):
    for _ in range(30):
        _survey(support_queue, agent)
    api.force_authenticate(manager)
    with django_assert_max_num_queries(8):
        data = api.get("/api/surveys/").json()
    assert data["count"] == 30 and len(data["results"]) == 25 and data["next"]


def test_it_is_read_only(api, manager):
    api.force_authenticate(manager)
    assert api.post("/api/surveys/", {"rating": 5}).status_code == 405
