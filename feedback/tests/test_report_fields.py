"""A survey carries what the reports count about its ticket — the channel, an approved off-script action,
a reopening after this solve — and those stay equal to the ticket, its actions and its history through the
real services: solving, sending, deciding actions, reopening, and a ticket whose channel is corrected."""

import pytest

from feedback import services
from feedback.models import Survey
from insights.tests.factories import make_action, make_kind
from tickets.services import change_status, solve_ticket


@pytest.fixture
def sent(ticket, agent, no_delay, django_capture_on_commit_callbacks):
    """Solve the ticket (its survey goes out at once) and return the sent survey, fresh from the database."""

    def _solve() -> Survey:
        with django_capture_on_commit_callbacks(execute=True):
            solve_ticket(ticket=ticket, by=agent)
        survey = Survey.objects.filter(ticket=ticket).order_by("-pk").first()
        if survey.status == "scheduled":  # a second solve within the same instant: hand it over ourselves
            services.send_survey(survey_id=survey.pk)
            survey.refresh_from_db()
        assert survey.status == "sent"
        return survey

    return _solve


def fields(survey: Survey) -> tuple[str, bool, bool]:
    survey.refresh_from_db()
    return survey.channel, survey.offscript, survey.reopened_after_solve


def test_a_sent_survey_carries_its_tickets_channel(ticket, sent):
    ticket.channel = "email"
    ticket.save(update_fields=["channel"])
    assert fields(sent()) == ("email", False, False)


def test_an_action_approved_before_the_solve_counts_and_a_pending_one_does_not(ticket, agent, sent):
    make_action(ticket=ticket, agent=agent, kind=make_kind(), status="pending")
    survey = sent()
    assert fields(survey)[1] is False
    make_action(ticket=ticket, agent=agent, kind=make_kind(), status="approved")
    assert fields(survey)[1] is True


def test_deciding_rejecting_and_deleting_actions_after_the_survey_went_out(ticket, agent, sent):
    survey = sent()
    request = make_action(ticket=ticket, agent=agent, kind=make_kind(), status="pending")
    assert fields(survey)[1] is False
    request.status = "approved"  # what approve_offscript_action saves
    request.save(update_fields=["status"])
    assert fields(survey)[1] is True
    request.status = "cancelled"
    request.save(update_fields=["status"])
    assert fields(survey)[1] is False
    again = make_action(ticket=ticket, agent=agent, kind=make_kind())
    assert fields(survey)[1] is True
    again.delete()
    assert fields(survey)[1] is False


def test_a_reopening_marks_the_survey_of_the_solve_before_it_only(ticket, agent, sent):
    first = sent()
    change_status(ticket=ticket, status="open", by=agent)
    assert fields(first)[2] is True
    second = sent()  # solved again: a new survey, about a solve that has held so far
    assert fields(second)[2] is False
    assert fields(first)[2] is True


def test_a_survey_written_without_the_fields_gets_them_when_it_is_sent(ticket, agent, no_delay):
    """Code older than these columns (a deploy's window) schedules surveys without them: sending fills them."""
    ticket.channel = "phone"
    ticket.save(update_fields=["channel"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_send_after_commit", lambda *args, **kwargs: None)
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    Survey.objects.filter(pk=survey.pk).update(channel="")  # as the database default leaves it
    make_action(ticket=ticket, agent=agent, kind=make_kind())
    Survey.objects.filter(pk=survey.pk).update(offscript=False)
    services.send_survey(survey_id=survey.pk)
    assert fields(survey) == ("phone", True, False)


def test_a_corrected_ticket_channel_moves_its_surveys(ticket, sent):
    survey = sent()
    assert fields(survey)[0] == "web"
    ticket.refresh_from_db()
    ticket.channel = "email"
    ticket.save()  # a data fix: no service changes a channel
    assert fields(survey)[0] == "email"
