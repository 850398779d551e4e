import pytest

from feedback.models import Survey, SurveySettings, SurveyStatus
from tickets.services import solve_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_survey(ticket, agent, support_queue, django_capture_on_commit_callbacks):
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == SurveyStatus.SENT
    return survey


def test_the_customer_answers_a_pending_survey_from_the_portal(signed_in, customer, ticket, sent_survey):
    client = signed_in(customer)
    assert f"/portal/tickets/{ticket.pk}/survey/" in client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert client.get(f"/portal/tickets/{ticket.pk}/survey/").status_code == 200
    response = client.post(f"/portal/tickets/{ticket.pk}/survey/", {"rating": "5", "comment": "Quick and kind"})
    assert response.status_code == 302
    sent_survey.refresh_from_db()
    assert (sent_survey.status, sent_survey.rating, sent_survey.comment) == (SurveyStatus.ANSWERED, 5, "Quick and kind")


def test_a_bad_rating_is_refused(signed_in, customer, ticket, sent_survey):
    response = signed_in(customer).post(f"/portal/tickets/{ticket.pk}/survey/", {"rating": "9"})
    assert response.status_code == 400
