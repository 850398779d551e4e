import pytest
from rest_framework.test import APIClient

from kb.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_lead_writes_and_publishes_an_article(api, lead):
    api.force_authenticate(lead)
    response = api.post(
        "/api/kb/articles/",
        {"title": "Reset a password", "body": "<p>Go to <b>Settings</b></p><script>x()</script>", "language": "pt"},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["published"] is False and data["visibility"] == "public" and data["owner"] == "lena"
    assert "<script>" not in data["body"] and "<b>Settings</b>" in data["body"]
    patched = api.patch(
        f"/api/kb/articles/{data['id']}/", {"published": True, "title": "Reset your password"}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["published"] is True and patched.json()["version"] == 2


def test_a_translation_joins_the_originals_group(api, lead):
    api.force_authenticate(lead)
    original = api.post("/api/kb/articles/", {"title": "Refunds", "body": "x", "language": "en"}, format="json").json()
    greek = api.post(
        "/api/kb/articles/",
        {"title": "Επιστροφές", "body": "x", "language": "el", "translation_of": original["id"]},
        format="json",
    ).json()
    assert greek["translation_group"] == original["translation_group"]
    again = api.post(
        "/api/kb/articles/",
        {"title": "Επιστροφές 2", "body": "x", "language": "el", "translation_of": original["id"]},
        format="json",
    )
    assert again.status_code == 400 and "language" in again.json()


def test_agents_and_the_public_cannot_write(api, agent, write):
    article = write("Refunds")
    assert api.post("/api/kb/articles/", {"title": "x", "body": "y"}, format="json").status_code in (401, 403)
    api.force_authenticate(agent)
    assert api.post("/api/kb/articles/", {"title": "x", "body": "y"}, format="json").status_code == 403
    assert api.patch(f"/api/kb/articles/{article.pk}/", {"title": "z"}, format="json").status_code == 403
    assert Article.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field(api, lead):
    api.force_authenticate(lead)
    response = api.post("/api/kb/articles/", {"title": "x", "body": "y", "visibility": "secret"}, format="json")
    assert response.status_code == 400 and "visibility" in response.json()
    response = api.post("/api/kb/articles/", {"title": "", "body": "y"}, format="json")
    assert response.status_code == 400 and "title" in response.json()


def test_suggest_answers_anyone(api, write):
    write("Segunda via da fatura", language="pt")
    data = api.get("/api/kb/suggest/", {"q": "segunda fat", "language": "pt"}).json()
    assert [r["title"] for r in data["results"]] == ["Segunda via da fatura"]
    assert data["results"][0]["url"].startswith("/help/articles/")
