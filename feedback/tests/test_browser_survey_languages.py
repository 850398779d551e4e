"""In real Chromium on a phone-sized screen: customers answer their survey in Greek and in Serbian,
the pages speak their language, fit 360 px, and axe-core finds no serious accessibility fault."""

from pathlib import Path

import pytest
from django.utils import translation

from feedback.models import Survey, SurveySettings
from feedback.tests.conftest import token_from_email
from helpdesk.testing import accessibility_problems
from tickets.services import solve_ticket
from tickets.tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def phone(chromium):
    return chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        translated = translation.gettext(text)
    assert translated != text, f"“{text}” has no {code} translation"
    return translated


@pytest.mark.parametrize(
    ("code", "name", "email"),
    [
        ("el", "Γιώργος Παπαδάκης", "giorgos@example.gr"),
        ("sr-latn", "Milica Jovanović", "milica@example.rs"),
        ("sr", "Никола Петровић", "nikola@example.rs"),
    ],
)
def test_a_customer_answers_the_survey_in_their_language_on_a_phone(
    phone, live_server, transactional_db, settings, agent, support_queue, code, name, email
):
    settings.SITE_URL = live_server.url
    SurveySettings.objects.create(queue=support_queue, delay_seconds=0)
    customer = CustomerFactory(name=name, email=email, language=code)
    ticket = TicketFactory(subject="Order 5531", queue=support_queue, customer=customer, assignee=agent, status="open")
    solve_ticket(ticket=ticket, by=agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.status == "sent"
    token = token_from_email(survey.outbound)

    page = phone
    page.goto(f"{live_server.url}/survey/{token}/")
    assert page.locator("html").get_attribute("lang") == code
    assert in_language(code, "How did we do?") in page.locator("h1").inner_text()
    # Usable at 360 px: nothing wider than the screen, and no serious accessibility fault.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert accessibility_problems(page, live_server.url) == []
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"survey-{code}-360.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000

    page.check("#rating-5")
    page.fill("#id_comment", "Ευχαριστώ!" if code == "el" else "Hvala!")
    page.click("#survey-form button[type=submit]")
    page.wait_for_url("**/thanks/")
    assert in_language(code, "Thank you for your answer!") in page.locator("#thanks").inner_text()
    survey.refresh_from_db()
    assert (survey.status, survey.rating) == ("answered", 5)
