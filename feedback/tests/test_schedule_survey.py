import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from feedback import services
from feedback.models import Survey, SurveyOptOut, SurveySettings, SurveyStatus
from tickets.models import EventKind
from tickets.services import assign_ticket, change_status, solve_ticket
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def own_callbacks(callbacks):
    """The survey's after-commit callbacks, without the event stream's announcements to its subscribers."""
    return [c for c in callbacks if not getattr(c, "__qualname__", "").startswith(("record.", "record_many."))]


@pytest.fixture
def published(monkeypatch):
    """What was handed to the broker, and when (the ETA task's arguments)."""
    calls = []
    from feedback.tasks import send_surveys_task

    monkeypatch.setattr(send_surveys_task, "apply_async", lambda args, eta=None: calls.append((list(args[0]), eta)))
    return calls


def test_solving_schedules_one_survey_after_the_site_delay(ticket, agent, settings):
    settings.SURVEY_DELAY_SECONDS = 120  # read when scheduled, not at import
    with freeze_time("2026-03-02 10:00:00"):
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == SurveyStatus.SCHEDULED
    assert survey.due_at == dt.datetime(2026, 3, 2, 10, 2, tzinfo=dt.UTC)
    assert survey.solved_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    assert (survey.agent, survey.queue, survey.department) == (agent, ticket.queue, ticket.queue.department)
    assert survey.customer == ticket.customer and survey.language == "el"
    assert survey.token_hash is None  # the token is made when the e-mail is
    assert ticket.events.filter(kind=EventKind.SURVEY, new_value="scheduled").exists()


def test_a_later_reassignment_does_not_move_the_answer(ticket, agent, teammate, billing_queue, sent_survey):
    survey, _token = sent_survey
    assign_ticket(ticket=ticket, assignee=teammate, by=teammate)
    survey.refresh_from_db()
    assert survey.agent == agent


def test_the_queue_delay_overrides_the_site_default(ticket, agent, support_queue, settings):
    settings.SURVEY_DELAY_SECONDS = 3600
    SurveySettings.objects.create(queue=support_queue, delay_seconds=60)
    before = timezone.now()
    solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert before + dt.timedelta(seconds=59) < survey.due_at < timezone.now() + dt.timedelta(seconds=61)


def test_a_disabled_queue_sends_no_survey(ticket, agent, support_queue):
    SurveySettings.objects.create(queue=support_queue, enabled=False)
    solve_ticket(ticket=ticket, by=agent)
    assert not Survey.objects.exists()


def test_a_queue_that_surveys_on_close_sends_none_on_solve(ticket, agent, support_queue):
    SurveySettings.objects.create(queue=support_queue, trigger="closed")
    solve_ticket(ticket=ticket, by=agent)
    assert not Survey.objects.exists()


def test_sampling_skips_the_share_not_sampled(ticket, agent, support_queue):
    SurveySettings.objects.create(queue=support_queue, sampling_percent=0)
    solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.status, survey.skip_reason) == (SurveyStatus.SKIPPED, "sampled_out")


def test_a_customer_who_opted_out_is_not_asked(ticket, agent, customer):
    SurveyOptOut.objects.create(customer=customer)
    solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.get(ticket=ticket).skip_reason == "opted_out"


def test_a_customer_surveyed_within_the_exclusion_window_is_not_asked_again(ticket, agent, customer, support_queue):
    SurveySettings.objects.create(queue=support_queue, exclusion_days=7)
    older = TicketFactory(queue=support_queue, customer=customer, assignee=agent, status="open")
    solve_ticket(ticket=older, by=agent)
    Survey.objects.filter(ticket=older).update(status=SurveyStatus.SENT, sent_at=timezone.now() - dt.timedelta(days=6))
    solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.get(ticket=ticket).skip_reason == "recently_surveyed"


def test_outside_the_exclusion_window_the_customer_is_asked(ticket, agent, customer, support_queue):
    SurveySettings.objects.create(queue=support_queue, exclusion_days=7)
    older = TicketFactory(queue=support_queue, customer=customer, assignee=agent, status="open")
    solve_ticket(ticket=older, by=agent)
    Survey.objects.filter(ticket=older).update(status=SurveyStatus.SENT, sent_at=timezone.now() - dt.timedelta(days=8))
    solve_ticket(ticket=ticket, by=agent)
    assert Survey.objects.get(ticket=ticket).status == SurveyStatus.SCHEDULED


def test_reopening_cancels_the_unsent_survey_and_solving_again_makes_a_new_one(ticket, agent):
    solve_ticket(ticket=ticket, by=agent)
    change_status(ticket=ticket, status="open", by=agent)
    first = Survey.objects.get(ticket=ticket)
    assert first.status == SurveyStatus.CANCELLED
    solve_ticket(ticket=ticket, by=agent)
    assert ticket.surveys.count() == 2
    assert ticket.surveys.exclude(pk=first.pk).get().status == SurveyStatus.SCHEDULED


def test_reopening_after_the_survey_went_out_leaves_it_alone(ticket, agent, sent_survey):
    survey, _token = sent_survey
    change_status(ticket=ticket, status="open", by=agent)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SENT


def test_the_send_is_handed_to_the_broker_only_after_commit(ticket, agent, no_delay, published):
    with transaction.atomic():
        solve_ticket(ticket=ticket, by=agent)
        assert published == []  # not while the transaction is open
    # pytest's test transaction is still open: nothing yet
    assert published == []


def test_a_rolled_back_solve_publishes_nothing(ticket, agent, no_delay, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                solve_ticket(ticket=ticket, by=agent)
                raise RuntimeError("boom")
    assert callbacks == [] and published == []
    assert not Survey.objects.exists()


def test_many_solves_in_one_transaction_are_published_as_batches(
    agent, support_queue, no_delay, published, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "SEND_BATCH", 2)
    tickets = [TicketFactory(queue=support_queue, assignee=agent, status="open") for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for t in tickets:
                solve_ticket(ticket=t, by=agent)
    assert len(own_callbacks(callbacks)) == 1
    assert [len(ids) for ids, _eta in published] == [2, 2, 1]
    assert sorted(i for ids, _eta in published for i in ids) == sorted(Survey.objects.values_list("pk", flat=True))


def test_a_long_delay_is_left_to_the_sweeper(ticket, agent, settings, published, django_capture_on_commit_callbacks):
    settings.SURVEY_DELAY_SECONDS = 3600
    settings.SURVEY_ETA_MAX_SECONDS = 900
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    assert published == []
    assert Survey.objects.get().status == SurveyStatus.SCHEDULED


def test_a_queue_that_surveys_on_close_sends_one_when_closed(ticket, agent, support_queue):
    SurveySettings.objects.create(queue=support_queue, trigger="closed")
    solve_ticket(ticket=ticket, by=agent)
    change_status(ticket=ticket, status="closed", by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == SurveyStatus.SCHEDULED and survey.agent == agent
