import pytest

from kb.models import Visibility

pytestmark = pytest.mark.django_db


def test_internal_and_draft_articles_are_hidden_from_the_public(client, write):
    public = write("Refund policy for customers")
    internal = write("Refund policy internal escalation", visibility=Visibility.INTERNAL)
    draft = write("Refund policy draft", published=False)
    assert client.get(f"/help/articles/{public.pk}/").status_code == 200
    assert client.get(f"/help/articles/{internal.pk}/").status_code == 404
    assert client.get(f"/help/articles/{draft.pk}/").status_code == 404
    page = client.get("/help/", {"q": "refund", "language": "en"}).content.decode()
    assert public.title in page and internal.title not in page and draft.title not in page
    listing = client.get("/help/", {"language": "en"}).content.decode()
    assert public.title in listing and internal.title not in listing


def test_internal_articles_are_hidden_from_the_api_and_suggestions(client, write):
    write("Refund policy for customers")
    internal = write("Refund policy internal escalation", visibility=Visibility.INTERNAL)
    data = client.get("/api/kb/articles/").json()
    assert [a["title"] for a in data["results"]] == ["Refund policy for customers"]
    assert client.get(f"/api/kb/articles/{internal.pk}/").status_code == 404
    suggested = client.get("/api/kb/suggest/", {"q": "refund pol", "language": "en"}).json()
    assert [a["title"] for a in suggested["results"]] == ["Refund policy for customers"]


def test_staff_see_internal_articles(client, write, agent):
    internal = write("Escalation ladder", visibility=Visibility.INTERNAL)
    client.force_login(agent)
    assert client.get(f"/help/articles/{internal.pk}/").status_code == 200
    assert client.get(f"/api/kb/articles/{internal.pk}/").status_code == 200
    assert "Escalation ladder" in client.get("/help/", {"q": "escalation", "language": "en"}).content.decode()


def test_a_customer_signed_in_to_the_portal_is_still_the_public(client, write, customer):
    from portal.access import SESSION_KEY

    internal = write("Escalation ladder", visibility=Visibility.INTERNAL)
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    assert client.get(f"/help/articles/{internal.pk}/").status_code == 404
