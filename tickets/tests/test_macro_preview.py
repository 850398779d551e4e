"""A macro that changes more than the text says so in the composer before the reply is sent."""

import pytest
from django.urls import reverse

from tickets.models import Macro, Status, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_macro(db):
    macro = Macro.objects.create(
        name="Ask for the receipt",
        body="Hello {{ customer_name }}, could you send the receipt?",
        set_status=Status.PENDING,
        set_priority="high",
    )
    macro.add_tags.add(Tag.objects.create(name="receipt"))
    return macro


def test_inserting_the_macro_without_script_shows_what_it_will_change(client, agent, ticket, waiting_macro):
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk]), {"macro": waiting_macro.pk}).content.decode()
    assert (
        "When sent, this macro will also: set the status to Pending; set the priority to High; "
        "add the tags receipt." in html
    )


def test_the_preview_for_the_script_carries_the_summary(client, agent, ticket, waiting_macro):
    client.force_login(agent)
    data = client.get(reverse("tickets:macro_preview", args=[ticket.pk, waiting_macro.pk])).json()
    assert data["summary"].startswith("When sent, this macro will also: set the status to Pending")
    assert "Eleni" in data["body"]


def test_a_text_only_macro_announces_nothing(client, agent, ticket):
    macro = Macro.objects.create(name="Thanks", body="Thank you!")
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk]), {"macro": macro.pk}).content.decode()
    assert "this macro will also" not in html
    assert client.get(reverse("tickets:macro_preview", args=[ticket.pk, macro.pk])).json()["summary"] == ""


def test_the_summary_is_in_the_agents_language(client, agent, ticket, waiting_macro):
    agent.profile.language = "pt"
    agent.profile.save()
    client.force_login(agent)
    data = client.get(reverse("tickets:macro_preview", args=[ticket.pk, waiting_macro.pk])).json()
    assert data["summary"].startswith("Ao enviar, esta macro também vai:")
