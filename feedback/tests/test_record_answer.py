import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from feedback import services
from feedback.models import NoticeKind, SurveyStatus
from helpdesk.errors import DomainError
from notices.models import Notice
from tickets.models import EventKind, MessageKind

pytestmark = pytest.mark.django_db


def test_an_answer_is_recorded_with_its_comment(sent_survey, agent):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=5, comment="  Quick and kind. ")
    survey.refresh_from_db()
    assert (survey.status, survey.rating, survey.comment, survey.satisfied) == ("answered", 5, "Quick and kind.", True)
    assert survey.answered_at is not None
    assert survey.ticket.events.filter(kind=EventKind.SURVEY, new_value="5").exists()


def test_the_agent_is_told_of_the_answer_in_the_app(sent_survey, agent):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    notice = Notice.objects.get(user=agent)
    assert notice.kind == NoticeKind.ANSWER and notice.read_at is None


def test_the_customer_may_change_the_answer_until_it_expires(sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=5)
    services.record_answer(survey=survey, rating=3, comment="On second thought, slow.")
    survey.refresh_from_db()
    assert (survey.rating, survey.answer_count) == (3, 2)
    with freeze_time(survey.expires_at + dt.timedelta(seconds=1)):
        with pytest.raises(services.SurveyExpired):
            services.record_answer(survey=survey, rating=1)
    survey.refresh_from_db()
    assert survey.rating == 3


@pytest.mark.parametrize("rating", [0, 6, "five", None, 2.5])
def test_a_rating_outside_one_to_five_is_refused(sent_survey, rating):
    survey, _token = sent_survey
    with pytest.raises(DomainError) as exc:
        services.record_answer(survey=survey, rating=rating)
    assert exc.value.field == "rating"
    survey.refresh_from_db()
    assert survey.rating is None


def test_an_unknown_reason_is_refused(sent_survey):
    survey, _token = sent_survey
    with pytest.raises(DomainError) as exc:
        services.record_answer(survey=survey, rating=1, reason="bribery")
    assert exc.value.field == "reason"


def test_a_reason_is_kept_only_for_a_low_rating(sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=2, reason="wait")
    survey.refresh_from_db()
    assert survey.low_reason == "wait"
    services.record_answer(survey=survey, rating=4, reason="wait")
    survey.refresh_from_db()
    assert survey.low_reason == ""


def test_a_scheduled_survey_takes_no_answer(ticket, agent):
    from tickets.services import solve_ticket

    solve_ticket(ticket=ticket, by=agent)
    survey = ticket.surveys.get()
    assert survey.status == SurveyStatus.SCHEDULED
    with pytest.raises(services.SurveyUnavailable):
        services.record_answer(survey=survey, rating=5)


def test_a_low_rating_tells_the_lead_in_the_app_and_by_email_and_opens_a_recovery_note(
    sent_survey, lead, agent, django_capture_on_commit_callbacks
):
    survey, _token = sent_survey
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_answer(survey=survey, rating=1, reason="outcome", comment="Still charged twice.")
    assert Notice.objects.filter(user=lead, kind=NoticeKind.LOW_RATING).exists()
    [to_lead] = [m for m in mail.outbox if m.to == [lead.email]]
    assert "1/5" in to_lead.subject and "Still charged twice." in to_lead.body
    note = survey.ticket.messages.get(kind=MessageKind.NOTE)
    assert note.author is None and "1/5" in note.body and "Still charged twice." in note.body


def test_changing_one_low_rating_to_another_opens_no_second_recovery(sent_survey, lead):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=2)
    services.record_answer(survey=survey, rating=1, comment="worse")
    assert survey.ticket.messages.filter(kind=MessageKind.NOTE).count() == 1


def test_a_good_rating_opens_no_recovery(sent_survey, lead):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=4)
    assert not survey.ticket.messages.filter(kind=MessageKind.NOTE).exists()
    assert not Notice.objects.filter(user=lead).exists()


def test_opting_out_skips_the_customers_unsent_surveys(sent_survey, customer, agent, support_queue, settings):
    from tickets.services import solve_ticket
    from tickets.tests.factories import TicketFactory

    survey, _token = sent_survey
    settings.SURVEY_DELAY_SECONDS = 3600
    from feedback.models import SurveySettings

    SurveySettings.objects.filter(queue=support_queue).update(delay_seconds=None)
    other = TicketFactory(queue=support_queue, customer=customer, assignee=agent, status="open")
    solve_ticket(ticket=other, by=agent)
    services.opt_out(survey=survey)
    assert other.surveys.get().status == SurveyStatus.SKIPPED
    assert customer.survey_opt_out.created_at <= timezone.now()
