import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from notices.models import Acknowledgement
from recognition import selectors, services
from recognition.models import Announcement, AnnouncementRead

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(lead):
    return services.post_announcement(
        by=lead,
        title="New refund policy",
        body="<p>Refunds up to 50 €</p><script>alert(1)</script>",
        kind="policy",
        tone="neutral",
        requires_ack=True,
    )


def test_a_lead_posts_and_the_body_is_sanitised(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("recognition:announcement_new"),
        {
            "title": "We won!",
            "body": '<p onclick="x()">Best team</p><script>bad()</script>',
            "kind": "news",
            "tone": "good",
        },
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert "script" not in announcement.body_html and "onclick" not in announcement.body_html
    assert "Best team" in announcement.body_html


def test_agents_cannot_post(client, agent):
    client.force_login(agent)
    url = reverse("recognition:announcement_new")
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "body": "y", "kind": "news", "tone": "good"}).status_code == 403
    assert not Announcement.objects.exists()


def test_bad_input_is_a_form_error(client, lead):
    client.force_login(lead)
    response = client.post(
        reverse("recognition:announcement_new"),
        {"title": "x", "body": "<script></script>", "kind": "news", "tone": "good"},
    )
    assert response.status_code == 400
    assert not Announcement.objects.exists()


def test_required_announcements_show_on_the_inbox_until_acknowledged(client, policy, agent):
    template = Template('{% include "recognition/_unread_announcements.html" %}')
    request = RequestFactory().get("/")
    request.user = agent
    assert "New refund policy" in template.render(Context({"request": request}))
    client.force_login(agent)
    # Reading is not acknowledging.
    client.get(reverse("recognition:announcement", args=[policy.pk]))
    assert list(selectors.unread_required_announcements(agent)) == [policy]
    assert client.get(reverse("recognition:announcement_ack", args=[policy.pk])).status_code == 405
    assert client.post(reverse("recognition:announcement_ack", args=[policy.pk])).status_code == 302
    assert list(selectors.unread_required_announcements(agent)) == []
    assert "New refund policy" not in template.render(Context({"request": request}))


def test_the_nav_badge_counts_unread(client, policy, agent, lead):
    from recognition.panels import nav

    request = RequestFactory().get("/")
    request.user = agent
    items = nav(request)
    assert items[1]["count"] == 1 and items[1]["label"] == "Announcements"
    services.acknowledge_announcement(announcement=policy, user=agent)
    assert nav(request)[1]["count"] == 0


def test_the_readers_page_shows_who_has_not_read(client, policy, agent, teammate, lead):
    client.force_login(agent)
    client.post(reverse("recognition:announcement_read", args=[policy.pk]))
    client.force_login(lead)
    page = client.get(reverse("recognition:announcement_readers", args=[policy.pk])).content.decode()
    not_read = page.split('id="not-read"')[1].split("</ul>")[0]
    not_ack = page.split('id="not-acknowledged"')[1].split("</ul>")[0]
    assert "Tomás" in not_read and "Ana" not in not_read
    assert "Ana" in not_ack


def test_agents_cannot_see_the_readers_page(client, policy, agent):
    client.force_login(agent)
    assert client.get(reverse("recognition:announcement_readers", args=[policy.pk])).status_code == 403


def test_acknowledging_a_plain_news_item_is_refused(client, lead, agent):
    news = services.post_announcement(by=lead, title="Hi", body="Hello", kind="news", tone="good")
    client.force_login(agent)
    client.post(reverse("recognition:announcement_ack", args=[news.pk]))
    assert not Acknowledgement.objects.filter(user=agent).exists()


def test_non_staff_see_no_announcements(client, policy, outsider):
    client.force_login(outsider)
    assert client.get(reverse("recognition:announcements")).status_code == 403


def test_opening_an_announcement_writes_nothing_until_the_page_posts_that_it_was_read(client, policy, agent):
    client.force_login(agent)
    page = client.get(reverse("recognition:announcement", args=[policy.pk]))
    assert page.status_code == 200
    assert not AnnouncementRead.objects.filter(user=agent).exists()
    read_url = reverse("recognition:announcement_read", args=[policy.pk])
    assert f'hx-post="{read_url}"'.encode() in page.content
    assert client.get(read_url).status_code == 405
    assert client.post(read_url).status_code == 204
    assert AnnouncementRead.objects.filter(user=agent, announcement=policy).exists()
    assert selectors.unread_announcement_count(agent) == 1  # read, but not yet acknowledged


def test_acknowledging_an_announcement_is_one_notices_acknowledgement(policy, agent, lead):
    from notices import selectors as notices

    assert policy in notices.pending_for(agent)
    services.acknowledge_announcement(announcement=policy, user=agent)
    ack = Acknowledgement.objects.get(user=agent)
    assert (ack.target, ack.version) == (f"recognition.announcement:{policy.pk}", 1)
    assert policy not in notices.pending_for(agent)
    assert agent not in notices.who_has_not(policy)
    assert lead not in notices.who_has_not(policy)  # the author acknowledged what they wrote
