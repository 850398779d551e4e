import pytest

from feedback import services
from notices.models import Notice

pytestmark = pytest.mark.django_db


def test_an_agent_sees_their_own_surveys_and_comments(client, agent, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=5, comment="Ana was brilliant")
    client.force_login(agent)
    response = client.get("/feedback/")
    assert response.status_code == 200
    assert b"Ana was brilliant" in response.content


def test_an_agent_does_not_see_a_colleagues_surveys(client, teammate, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=5, comment="Ana was brilliant")
    client.force_login(teammate)
    assert b"Ana was brilliant" not in client.get("/feedback/").content


def test_the_menu_badge_counts_unread_answers(client, agent, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    client.force_login(agent)
    assert b'<span class="badge text-bg-warning">1<' in client.get("/feedback/").content


def test_marking_notices_read(client, agent, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    client.force_login(agent)
    assert client.get("/feedback/notices/read/").status_code == 405
    response = client.post("/feedback/notices/read/")
    assert response.status_code == 302
    assert not Notice.objects.filter(user=agent, read_at__isnull=True).exists()


def test_marking_read_with_htmx_returns_the_fragment(client, agent, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    client.force_login(agent)
    response = client.post("/feedback/notices/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="notices"' in response.content and b"<html" not in response.content


def test_marking_read_touches_only_ones_own_notices(client, agent, teammate, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    client.force_login(teammate)
    client.post("/feedback/notices/read/")
    assert Notice.objects.filter(user=agent, read_at__isnull=True).exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/feedback/").status_code == 302
    assert client.post("/feedback/notices/read/").status_code == 302


def test_a_customer_account_without_a_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(user)
    assert client.get("/feedback/").status_code == 403
    assert client.post("/feedback/notices/read/").status_code == 403


def test_the_survey_list_is_for_leads_and_managers(client, agent, lead, manager, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=2, comment="slow")
    client.force_login(agent)
    assert client.get("/feedback/surveys/").status_code == 403
    for user in (lead, manager):
        client.force_login(user)
        response = client.get("/feedback/surveys/?low=on")
        assert response.status_code == 200 and b"slow" in response.content


def test_the_ticket_page_panel_shows_the_result(rf, agent, other_agent, sent_survey):
    from feedback.hooks import survey_panel

    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=2, reason="wait")
    request = rf.get("/")
    request.user = agent
    panel = survey_panel(request, survey.ticket)
    assert panel["context"]["survey"].rating == 2
    request.user = other_agent  # another department cannot see the ticket
    assert survey_panel(request, survey.ticket) is None


def test_the_list_page_query_count_is_flat(client, manager, agent, support_queue, django_assert_max_num_queries):
    from django.utils import timezone

    from feedback.models import Survey
    from tickets.tests.factories import TicketFactory

    for _ in range(15):
        t = TicketFactory(queue=support_queue, assignee=agent, status="solved")
        Survey.objects.create(
            ticket=t,
            customer=t.customer,
            agent=agent,
            queue=support_queue,
            department=support_queue.department,
            status="answered",
            solved_at=timezone.now(),
            due_at=timezone.now(),
            sent_at=timezone.now(),
            rating=4,
        )
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert client.get("/feedback/surveys/").status_code == 200
