"""In a real Chromium: the API docs page renders Swagger UI from locally served files, lists the
ticket endpoints, and "Try it out" calls the API with the signed-in session."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(chromium):
    page = chromium.new_page()
    page.set_default_timeout(60_000)  # the first load of the Swagger bundle on a busy machine
    return page


def test_the_docs_page_lists_the_ticket_endpoints_and_tries_one(live_server, ticket, browser_page):
    page = browser_page
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/api/docs/")
    block = page.locator(".opblock-get", has_text="/api/tickets/{id}/messages/")
    block.first.wait_for()
    assert page.locator(".opblock-post", has_text="/api/tickets/").count() >= 1
    assert page.locator(".opblock-patch", has_text="/api/tickets/{id}/").count() == 1

    listing = page.locator(".opblock-get .opblock-summary-path", has_text="/api/tickets/").filter(has_not_text="{id}")
    listing.first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    # The live response (not the documented example) is in its own table once the call returns.
    live = page.locator(".live-responses-table").first
    live.wait_for()
    page.wait_for_function(
        "document.querySelector('.live-responses-table').innerText.includes('Charged twice for my order')"
    )
    assert "200" in live.locator("tr.response .response-col_status").first.inner_text()
    assert outside == [], f"the docs page fetched from outside the app: {outside}"
