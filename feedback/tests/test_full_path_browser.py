"""The whole path, as in production: a solve commits -> a real Celery worker sends the survey -> it arrives
at a real SMTP server -> Chromium follows the link in that e-mail, answers, changes the answer -> the
answer is in /api/surveys/."""

import re

import pytest
from rest_framework.test import APIClient

from feedback.models import Survey, SurveySettings
from helpdesk.testing import require_postgres, require_redis
from helpdesk.testing.worker import celery_not_eager, celery_worker
from tickets.services import solve_ticket

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]


def _plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def browser_page(chromium):
    return chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()  # a phone


def test_solve_to_worker_to_email_to_browser_answer_to_api(
    live_server, settings, ticket, agent, manager, support_queue, smtp_server, browser_page
):
    require_postgres()
    require_redis()
    settings.SITE_URL = live_server.url
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)

    with celery_not_eager(), celery_worker(email_url=smtp_server.url, site_url=live_server.url):
        solve_ticket(ticket=ticket, by=agent)
        [email] = smtp_server.wait_for(1, timeout=60)

    text = _plain_text(email)
    link = re.search(r"(http://\S+/survey/[\w-]+/\?rating=4)", text).group(1)
    assert link.startswith(live_server.url)

    page = browser_page
    page.goto(link)  # one click in the e-mail: the page records the rating by itself
    page.wait_for_url("**/thanks/")
    assert page.locator("#thanks").is_visible()
    assert page.locator("html").get_attribute("lang") == "el"
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.status, survey.rating) == ("answered", 4)

    page.check("#rating-2")  # changes their mind: a low rating asks for a reason
    page.locator("#reason-wait").check()
    page.fill("#id_comment", "In the end it took too long.")
    page.click("#survey-form button[type=submit]")
    page.wait_for_url("**/thanks/")

    api = APIClient()
    api.force_authenticate(manager)
    [row] = api.get("/api/surveys/").json()["results"]
    assert (row["rating"], row["low_reason"], row["comment"]) == (2, "wait", "In the end it took too long.")
    assert row["ticket"] == ticket.pk and row["agent"] == agent.pk and row["sent_at"] and row["answered_at"]
