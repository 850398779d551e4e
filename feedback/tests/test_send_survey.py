import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from feedback import services
from feedback.models import Survey, SurveyOptOut, SurveySettings, SurveyStatus
from feedback.selectors import survey_for_token
from feedback.tests.conftest import token_from_email
from mailroom.models import DeliveryStatus, OutboundEmail
from tickets.services import solve_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(ticket, agent, settings):
    settings.SURVEY_DELAY_SECONDS = 3600
    solve_ticket(ticket=ticket, by=agent)
    return Survey.objects.get(ticket=ticket)


def _due(survey):
    Survey.objects.filter(pk=survey.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_due_survey_is_sent_once_with_a_fresh_token(scheduled):
    _due(scheduled)
    assert services.send_survey(survey_id=scheduled.pk) is not None
    assert services.send_survey(survey_id=scheduled.pk) is None  # claimed: a second worker gets nothing
    survey = Survey.objects.get(pk=scheduled.pk)
    assert survey.status == SurveyStatus.SENT and survey.sent_at is not None
    assert OutboundEmail.objects.filter(kind="survey").count() == 1
    token = token_from_email(survey.outbound)
    assert len(token) >= 32  # 192 bits, url-safe base64
    assert survey.token_hash == services.hash_token(token) and token not in survey.token_hash
    assert survey_for_token(token) == survey
    assert survey.expires_at == survey.sent_at + dt.timedelta(days=30)


def test_a_survey_not_yet_due_is_not_sent(scheduled):
    assert services.send_survey(survey_id=scheduled.pk) is None
    assert Survey.objects.get(pk=scheduled.pk).status == SurveyStatus.SCHEDULED


def test_a_cancelled_survey_is_not_sent(scheduled, ticket):
    _due(scheduled)
    services.cancel_pending_surveys(ticket=ticket)
    assert services.send_survey(survey_id=scheduled.pk) is None
    assert not OutboundEmail.objects.exists()


def test_a_customer_who_opted_out_meanwhile_is_skipped(scheduled, customer):
    _due(scheduled)
    SurveyOptOut.objects.create(customer=customer)
    assert services.send_survey(survey_id=scheduled.pk) is None
    assert Survey.objects.get(pk=scheduled.pk).status == SurveyStatus.SKIPPED
    assert not OutboundEmail.objects.exists()


def test_the_email_has_five_one_click_links_the_agent_the_subject_and_an_unsubscribe_link(sent_survey):
    survey, token = sent_survey
    [message] = mail.outbox
    assert message.to == ["eleni@example.gr"]
    body = message.body
    for rating in range(1, 6):
        assert f"http://testserver/survey/{token}/?rating={rating}" in body
    assert "Ana" in body and "Charged twice for my order" in body
    assert f"http://testserver/survey/{token}/unsubscribe/" in body
    html = message.alternatives[0][0]
    assert html.count("?rating=") == 5 and 'lang="el"' in html
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver/survey/{token}/unsubscribe/>"


def test_the_email_is_in_the_customers_language(sent_survey):
    [message] = mail.outbox
    assert "Πώς τα πήγαμε" in message.subject  # Greek customer


def test_tokens_are_unguessable_and_unique():
    tokens = {services.new_token()[0] for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) >= 32 for t in tokens)


def test_a_wrong_or_near_token_finds_nothing(sent_survey):
    _survey, token = sent_survey
    assert survey_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert survey_for_token("") is None
    assert survey_for_token(services.hash_token(token)) is None  # the stored hash is not a key


def test_the_sweeper_hands_due_surveys_to_the_workers_and_they_go_out(scheduled):
    _due(scheduled)
    result = services.sweep_surveys()
    assert result["due"] == 1
    assert Survey.objects.get(pk=scheduled.pk).status == SurveyStatus.SENT
    assert len(mail.outbox) == 1


def test_the_sweeper_leaves_surveys_already_in_flight(scheduled):
    now = timezone.now()
    Survey.objects.filter(pk=scheduled.pk).update(due_at=now - dt.timedelta(seconds=5), enqueued_at=now)
    assert services.sweep_surveys(now=now)["due"] == 0
    later = now + services.reenqueue_after() + dt.timedelta(seconds=1)
    assert services.sweep_surveys(now=later)["due"] == 1  # its task got lost: handed over again


def test_one_reminder_after_the_queues_delay_if_unanswered(sent_survey, support_queue):
    survey, first_token = sent_survey
    SurveySettings.objects.filter(queue=support_queue).update(reminder_after_days=3)
    mail.outbox.clear()
    with freeze_time(timezone.now() + dt.timedelta(days=2)):
        assert services.sweep_surveys()["reminded"] == 0
    with freeze_time(timezone.now() + dt.timedelta(days=3, minutes=1)):
        assert services.sweep_surveys()["reminded"] == 1
        assert services.sweep_surveys()["reminded"] == 0  # once
    [reminder] = mail.outbox
    survey.refresh_from_db()
    assert survey.reminder_sent_at is not None
    second_token = token_from_email(reminder.body)
    assert second_token != first_token
    assert survey_for_token(second_token) == survey == survey_for_token(first_token)


def test_no_reminder_once_answered_or_when_the_queue_turned_reminders_off(ticket, agent, support_queue, sent_survey):
    survey, _token = sent_survey
    services.record_answer(survey=survey, rating=5)
    mail.outbox.clear()
    with freeze_time(timezone.now() + dt.timedelta(days=4)):
        assert services.sweep_surveys()["reminded"] == 0
    assert mail.outbox == []


def test_a_queue_without_reminders_sets_none(ticket, agent, support_queue, django_capture_on_commit_callbacks):
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0, reminder_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.get().reminder_due_at is None


def test_the_email_is_sent_through_the_shared_outbound_path(sent_survey):
    survey, _token = sent_survey
    outbound = survey.outbound
    assert outbound.kind == "survey" and outbound.status == DeliveryStatus.SENT and outbound.ticket == survey.ticket
