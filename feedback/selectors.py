"""Reads about surveys: settings per queue, the survey behind a link, lists for people and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from feedback.models import Survey, SurveySettings, SurveyStatus
from notices.models import Notice
from notices.selectors import notices_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tickets.models import Queue, Ticket


def settings_for_queue(queue: Queue) -> SurveySettings:
    """The queue's survey settings, or the defaults (unsaved) when it has none."""
    try:
        return queue.survey_settings
    except SurveySettings.DoesNotExist:
        return SurveySettings(queue=queue)


def survey_for_token(token: str) -> Survey | None:
    """The survey a link points at (first e-mail or reminder), or None. Never a near match."""
    from feedback.services import hash_token

    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    qs = Survey.objects.select_related("ticket", "agent", "customer")
    return qs.filter(token_hash=digest).first() or qs.filter(reminder_token_hash=digest).first()


def surveys_for_listing() -> QuerySet[Survey]:
    return Survey.objects.select_related("ticket", "agent", "queue", "department", "customer").order_by(
        "-solved_at", "-id"
    )


def surveys_of_agent(user: User) -> QuerySet[Survey]:
    """An agent's own surveys that went out, newest answers first."""
    return (
        Survey.objects.filter(agent=user, status__in=[SurveyStatus.SENT, SurveyStatus.ANSWERED])
        .select_related("ticket", "queue")
        .order_by("-answered_at", "-sent_at", "-id")
    )


def unread_notices(user: User) -> QuerySet[Notice]:
    return notices_for(user=user, unread_only=True, prefix="survey.")


def notices_of(user: User, *, limit: int = 20) -> list[Notice]:
    """The person's latest survey notices, each with its `survey` (and ticket) attached: two queries."""
    notices = list(notices_for(user=user, prefix="survey.")[:limit])
    surveys = Survey.objects.select_related("ticket", "agent").in_bulk([n.params.get("survey") for n in notices])
    for notice in notices:
        notice.survey = surveys.get(notice.params.get("survey"))
    return [n for n in notices if n.survey is not None]


def latest_survey_of_ticket(ticket: Ticket) -> Survey | None:
    return ticket.surveys.select_related("agent").order_by("-solved_at", "-id").first()
