from django.urls import reverse

from tickets.models import Profile
from tickets.tests.factories import UserFactory

URL = reverse("tickets:preferences")


def test_an_agent_switches_the_interface_to_greek(client, agent):
    client.force_login(agent)
    response = client.post(URL, {"language": "el", "timezone": "Europe/Athens"}, follow=True)
    profile = Profile.objects.get(user=agent)
    assert (profile.language, profile.timezone) == ("el", "Europe/Athens")
    page = response.content.decode()
    assert 'lang="el"' in page
    assert "Preferences" not in page  # the whole page, menu included, is now Greek


def test_times_are_shown_in_the_chosen_zone(client, agent, ticket):
    ticket.created_at = ticket.updated_at = ticket.created_at.replace(year=2026, month=1, day=10, hour=23, minute=30)
    ticket.save(update_fields=["created_at", "updated_at"])
    client.force_login(agent)
    client.post(URL, {"language": "en", "timezone": "Europe/Athens"})
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "11/01/2026 01:30" in page  # 23:30 UTC is already the next day in Athens (en-GB style)


def test_an_unknown_time_zone_is_refused_and_nothing_changes(client, agent):
    client.force_login(agent)
    response = client.post(URL, {"language": "el", "timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Mars/Olympus" in response.content.decode()
    assert Profile.objects.get(user=agent).language == "en"


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_a_staff_role_is_refused(client, db):
    client.force_login(UserFactory(username="outsider", role=""))
    assert client.get(URL).status_code == 403
