import pytest

from kb.models import ArticleFeedback, Deflection, Visibility

pytestmark = pytest.mark.django_db


def test_this_solved_it_is_counted_and_shown_to_managers(client, write, manager):
    article = write("Segunda via da fatura", language="pt")
    response = client.post(f"/help/articles/{article.pk}/solved/", {"source": "contact"})
    assert response.status_code == 302
    assert Deflection.objects.get().source == "contact"
    client.force_login(manager)
    page = client.get("/help/report/").content.decode()
    assert "Segunda via da fatura" in page and 'id="deflections"' in page


def test_an_internal_article_cannot_be_counted_as_solving(client, write):
    internal = write("Escalation", visibility=Visibility.INTERNAL)
    assert client.post(f"/help/articles/{internal.pk}/solved/").status_code == 404
    assert not Deflection.objects.exists()


def test_feedback_and_views_are_recorded(client, write):
    article = write("Refunds")
    client.get(f"/help/articles/{article.pk}/")
    client.get(f"/help/articles/{article.pk}/")
    client.post(f"/help/articles/{article.pk}/feedback/", {"helpful": "0", "comment": "Too short"})
    article.refresh_from_db()
    assert article.view_count == 2
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "Too short")


def test_feedback_needs_a_post(client, write):
    article = write("Refunds")
    assert client.get(f"/help/articles/{article.pk}/feedback/").status_code == 405


def test_the_report_is_for_leads_and_above(client, agent, lead):
    assert client.get("/help/report/").status_code == 302
    client.force_login(agent)
    assert client.get("/help/report/").status_code == 403
    client.force_login(lead)
    assert client.get("/help/report/").status_code == 200


def test_the_contact_form_offers_suggestions(client):
    page = client.get("/contact/").content.decode()
    assert 'data-kb-suggest-url="/api/kb/suggest/"' in page and "kb-suggest.js" in page
