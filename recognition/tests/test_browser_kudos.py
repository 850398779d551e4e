"""Giving kudos in a real Chromium, and seeing it in the feed."""

import pytest

from tickets.tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page()


def test_an_agent_gives_kudos_and_sees_it_in_the_feed(live_server, transactional_db, browser_page):
    from recognition.models import KudosValue

    # Transactional tests flush the database between them, data migrations included.
    KudosValue.objects.get_or_create(slug="helped-a-colleague", defaults={"name": "Helped a colleague"})
    support = DepartmentFactory(name="Support", slug="support")
    UserFactory(username="ana", first_name="Ana", last_name="Silva", role="agent", department=support)
    UserFactory(username="tomas", first_name="Tomás", last_name="Reis", role="agent", department=support)
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/colleagues/")

    form = page.locator("#give-kudos")
    form.get_by_label("Colleague").select_option(label="Tomás Reis")
    form.get_by_label("Value").select_option(label="Helped a colleague")
    form.get_by_label("Message").fill("Thank you for covering the Greek queue!")
    form.get_by_role("button", name="Send kudos").click()

    page.wait_for_url(f"{live_server.url}/colleagues/")
    card = page.locator(".kudos-card").first
    assert "Thank you for covering the Greek queue!" in card.inner_text()
    assert "Helped a colleague" in card.inner_text()
    assert "Ana Silva → Tomás Reis" in card.inner_text()

    # A reaction through htmx updates the card in place.
    card.get_by_role("button", name="Applause: 0").click()
    page.wait_for_selector(".kudos-card button[aria-pressed=true]")
    assert card.get_by_role("button", name="Applause: 1").is_visible()
