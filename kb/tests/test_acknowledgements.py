"""Policy articles ask a department for "read and understood"; a new version asks again; leads see who has
not confirmed. The same mechanism as announcements (notices.Acknowledgement)."""

import pytest
from django.urls import reverse

from kb import services
from notices import selectors as notices
from notices.models import Acknowledgement

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(write, support):
    return write(
        "Refunds over 50 €",
        "<p>Ask your lead first.</p>",
        visibility="internal",
        ack_department=support,
    )


def test_the_department_is_asked_and_others_are_not(policy, agent, teammate, other_agent):
    assert policy in notices.pending_for(agent)
    assert policy not in notices.pending_for(other_agent)
    assert {u.username for u in notices.who_has_not(policy)} >= {"ana", "tomas"}
    assert other_agent not in notices.who_has_not(policy)


def test_an_agent_confirms_from_the_article_page(client, policy, agent):
    client.force_login(agent)
    url = reverse("kb:article", args=[policy.pk])
    page = client.get(url).content.decode()
    assert "I have read and understood this" in page
    ack_url = reverse("kb:acknowledge", args=[policy.pk])
    assert client.get(ack_url).status_code == 405
    assert client.post(ack_url).status_code == 302
    ack = Acknowledgement.objects.get(user=agent)
    assert (ack.target, ack.version) == (f"kb.article:{policy.pk}", 1)
    assert policy not in notices.pending_for(agent)
    assert "You confirmed version 1" in client.get(url).content.decode()


def test_a_new_version_asks_again(client, policy, agent, lead):
    client.force_login(agent)
    client.post(reverse("kb:acknowledge", args=[policy.pk]))
    updated = services.update_article(article=policy, by=lead, body="<p>Ask your lead, then note it.</p>")
    assert updated.version == 2
    assert updated in notices.pending_for(agent)
    assert agent in notices.who_has_not(updated)
    client.post(reverse("kb:acknowledge", args=[policy.pk]))
    assert Acknowledgement.objects.filter(user=agent).count() == 2
    assert agent not in notices.who_has_not(updated)


def test_someone_the_article_does_not_ask_cannot_confirm_it(client, policy, other_agent):
    client.force_login(other_agent)
    client.post(reverse("kb:acknowledge", args=[policy.pk]))
    assert not Acknowledgement.objects.exists()


def test_the_lead_sees_who_has_not_confirmed(client, policy, agent, teammate, lead):
    client.force_login(agent)
    client.post(reverse("kb:acknowledge", args=[policy.pk]))
    client.force_login(lead)
    page = client.get(reverse("kb:confirmations", args=[policy.pk])).content.decode()
    missing = page.split('id="not-confirmed"')[1].split("</ul>")[0]
    assert "Tomás" in missing and "Ana" not in missing


def test_agents_and_other_leads_cannot_see_the_confirmations(client, policy, agent, billing):
    from tickets.tests.factories import UserFactory

    client.force_login(agent)
    assert client.get(reverse("kb:confirmations", args=[policy.pk])).status_code == 403
    client.force_login(UserFactory(username="otherlead", role="lead", department=billing))
    assert client.get(reverse("kb:confirmations", args=[policy.pk])).status_code == 403


def test_the_notices_page_lists_articles_and_announcements_waiting(client, policy, agent, lead):
    from recognition import services as recognition

    recognition.post_announcement(
        by=lead, title="New holiday rota", body="<p>See the rota.</p>", kind="policy", tone="neutral", requires_ack=True
    )
    client.force_login(agent)
    page = client.get(reverse("notices:list")).content.decode()
    waiting = page.split('id="pending-acknowledgements"')[1].split("</section>")[0]
    assert "Refunds over 50 €" in waiting and "New holiday rota" in waiting


def test_public_visitors_are_not_asked(client, write, support):
    article = write("Shipping times", visibility="public", ack_department=support)
    page = client.get(reverse("kb:article", args=[article.pk])).content.decode()
    assert "I have read and understood this" not in page
