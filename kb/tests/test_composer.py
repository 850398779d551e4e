import pytest

from kb.models import Visibility

pytestmark = pytest.mark.django_db


def test_the_ticket_page_has_the_article_panel(client, agent, ticket):
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"/help/composer/{ticket.pk}/" in page and "kb-composer.js" in page


def test_the_composer_offers_the_link_in_the_customers_language(client, agent, ticket, write):
    ticket.language = "el"
    ticket.save()
    english = write("Refund policy", language="en")
    greek = write("Πολιτική επιστροφών", language="el", translation_of=english)
    client.force_login(agent)
    html = client.get(f"/help/composer/{ticket.pk}/", {"q": "refund", "language": "en"}).content.decode()
    assert f"/help/articles/{greek.pk}/" in html and "data-kb-insert" in html
    html = client.get(f"/help/composer/{ticket.pk}/", {"q": "επιστροφ"}).content.decode()
    assert f"/help/articles/{greek.pk}/" in html


def test_internal_articles_show_without_an_insert_button(client, agent, ticket, write):
    write("Escalation ladder", visibility=Visibility.INTERNAL, language=ticket.language)
    client.force_login(agent)
    html = client.get(f"/help/composer/{ticket.pk}/", {"q": "escalation"}).content.decode()
    assert "Escalation ladder" in html and "data-kb-insert" not in html


def test_the_composer_search_is_for_staff_who_see_the_ticket(client, other_agent, ticket):
    assert client.get(f"/help/composer/{ticket.pk}/", {"q": "x"}).status_code == 302
    client.force_login(other_agent)
    assert client.get(f"/help/composer/{ticket.pk}/", {"q": "x"}).status_code == 404
