import re

import pytest
from django.core.cache import cache

from feedback import services
from feedback.models import Survey, SurveySettings
from tickets.services import solve_ticket

TOKEN_IN_LINK = re.compile(r"/survey/([A-Za-z0-9_-]{20,})/")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # rate-limit counters live in the cache
    yield


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def no_delay(support_queue):
    return SurveySettings.objects.create(queue=support_queue, delay_seconds=0)


def token_from_email(body) -> str:
    """The survey token of an e-mail: its text, or an OutboundEmail built as it would be sent
    (the stored row holds only a placeholder)."""
    if not isinstance(body, str):
        from mailroom.services import build_message

        body = build_message(body).body
    match = TOKEN_IN_LINK.search(body)
    assert match, f"no survey link in: {body[:500]}"
    return match.group(1)


@pytest.fixture
def sent_survey(ticket, agent, no_delay, django_capture_on_commit_callbacks):
    """A survey sent to the customer; returns (survey, raw token from its e-mail)."""
    with django_capture_on_commit_callbacks(execute=True):
        solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == "sent", survey.status
    return survey, token_from_email(survey.outbound)


@pytest.fixture
def send_due():
    def _send(survey):
        return services.send_survey(survey_id=survey.pk)

    return _send
