import pytest
from django.urls import reverse

from notices.models import Notice
from recognition.models import Comment, Kudos, KudosSource, Reaction, Visibility
from recognition.tests.factories import KudosFactory, make_survey
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_the_feed_shows_only_what_the_viewer_may_see(client, agent, teammate, other_agent, lead):
    KudosFactory(giver=teammate, recipient=other_agent, message="For all to see")
    KudosFactory(giver=other_agent, recipient=teammate, message="Lead may see", visibility=Visibility.LEAD)
    KudosFactory(giver=other_agent, recipient=teammate, message="Only Tomas", visibility=Visibility.RECIPIENT)
    client.force_login(agent)
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "For all to see" in page and "Lead may see" not in page and "Only Tomas" not in page
    client.force_login(lead)
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "Lead may see" in page and "Only Tomas" not in page
    client.force_login(teammate)
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "Lead may see" in page and "Only Tomas" in page


def test_a_hidden_kudos_is_404(client, agent, teammate, other_agent):
    hidden = KudosFactory(giver=other_agent, recipient=teammate, visibility=Visibility.RECIPIENT)
    client.force_login(agent)
    assert client.get(reverse("recognition:kudos", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("recognition:react", args=[hidden.pk]), {"kind": "clap"}).status_code == 404
    assert client.post(reverse("recognition:comment", args=[hidden.pk]), {"body": "hi"}).status_code == 404
    assert not Reaction.objects.exists() and not Comment.objects.exists()


def test_the_feed_pins_its_queries(client, django_assert_max_num_queries, agent, teammate, other_agent):
    for n in range(25):
        kudos = KudosFactory(giver=teammate, recipient=other_agent, message=f"thanks {n}")
        Reaction.objects.create(kudos=kudos, user=agent, kind="clap")
        Comment.objects.create(kudos=kudos, author=agent, body="+1")
    client.force_login(agent)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("recognition:feed"))
    assert response.status_code == 200 and "thanks 24" in response.content.decode()


def test_reacting_toggles(client, agent, teammate, other_agent):
    kudos = KudosFactory(giver=teammate, recipient=other_agent)
    client.force_login(agent)
    url = reverse("recognition:react", args=[kudos.pk])
    assert client.post(url, {"kind": "party"}, HTTP_HX_REQUEST="true").status_code == 200
    assert Reaction.objects.filter(kudos=kudos, user=agent, kind="party").exists()
    client.post(url, {"kind": "party"})
    assert not Reaction.objects.exists()
    assert client.post(url, {"kind": "nope"}).status_code == 400
    assert client.get(url).status_code == 405


def test_commenting_notifies_the_recipient_and_giver(client, agent, teammate, other_agent):
    kudos = KudosFactory(giver=teammate, recipient=other_agent)
    client.force_login(agent)
    response = client.post(reverse("recognition:comment", args=[kudos.pk]), {"body": "Well deserved"})
    assert response.status_code == 302
    assert Comment.objects.get().body == "Well deserved"
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"tomas", "bruno"}
    assert "Well deserved" in client.get(reverse("recognition:kudos", args=[kudos.pk])).content.decode()


def test_notifications_can_be_marked_read(client, agent, teammate):
    KudosFactory(giver=teammate, recipient=agent)
    Notice.objects.create(user=agent, kind="kudos.received", params={"giver": "Bruno", "message": "Hello"})
    client.force_login(agent)
    assert client.post(reverse("recognition:notifications_read")).status_code == 302
    assert not Notice.objects.filter(user=agent, read_at__isnull=True).exists()


# --- customer praise -> ready-made kudos -------------------------------------------------------


@pytest.fixture
def praise(agent, support_queue):
    ticket = TicketFactory(queue=support_queue, assignee=agent, status="solved")
    return make_survey(ticket=ticket, agent=agent, rating=5, comment="Ana saved my holiday!")


def test_the_lead_is_offered_the_praise_and_shares_it_in_one_click(client, praise, lead, agent):
    client.force_login(lead)
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "Ana saved my holiday!" in page
    response = client.post(reverse("recognition:share_praise", args=[praise.pk]))
    assert response.status_code == 302
    kudos = Kudos.objects.get()
    assert kudos.recipient == agent and kudos.giver == lead and kudos.source == KudosSource.CUSTOMER_PRAISE
    assert kudos.value.slug == "customer-hero" and kudos.ticket == praise.ticket
    assert "Ana saved my holiday!" in kudos.message
    # Shared once: no longer offered, and a second click changes nothing.
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "Share as kudos" not in page
    client.post(reverse("recognition:share_praise", args=[praise.pk]))
    assert Kudos.objects.count() == 1


def test_praise_is_not_offered_for_four_stars_or_without_comment(agent, lead, support_queue):
    from recognition import selectors

    make_survey(ticket=TicketFactory(queue=support_queue), agent=agent, rating=4, comment="Good")
    make_survey(ticket=TicketFactory(queue=support_queue), agent=agent, rating=5, comment="")
    assert selectors.praise_to_share(lead) == []


def test_only_the_agents_lead_may_share(client, praise, teammate, billing_lead):
    for user in (teammate, billing_lead):
        client.force_login(user)
        assert client.post(reverse("recognition:share_praise", args=[praise.pk])).status_code == 404
    assert not Kudos.objects.exists()
