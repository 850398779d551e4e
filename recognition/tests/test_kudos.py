import pytest
from django.urls import reverse

from helpdesk.errors import DomainError
from notices.models import Notice
from notices.selectors import render, url
from recognition import services
from recognition.models import Kudos, KudosValue, Visibility
from recognition.tests.factories import KudosFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_the_company_values_are_seeded():
    assert list(KudosValue.objects.values_list("name", flat=True)) == [
        "Went the extra mile",
        "Helped a colleague",
        "Owned the problem",
        "Customer hero",
    ]


def test_giving_kudos_notifies_the_recipient(agent, teammate, ticket):
    value = KudosValue.objects.get(slug="helped-a-colleague")
    kudos = services.give_kudos(giver=teammate, recipient=agent, message="Covered my queue", value=value, ticket=ticket)
    assert kudos.value == value and kudos.ticket == ticket
    note = Notice.objects.get(user=agent)
    assert "Covered my queue" in render(note) and url(note) == reverse("recognition:kudos", args=[kudos.pk])


def test_it_refuses_kudos_to_oneself(agent):
    with pytest.raises(DomainError) as err:
        services.give_kudos(giver=agent, recipient=agent, message="Me!")
    assert err.value.field == "recipient"
    assert not Kudos.objects.exists()


def test_it_refuses_an_empty_message(agent, teammate):
    with pytest.raises(DomainError) as err:
        services.give_kudos(giver=agent, recipient=teammate, message="   ")
    assert err.value.field == "message"


def test_it_refuses_a_retired_value(agent, teammate):
    value = KudosValue.objects.create(name="Old", slug="old", active=False)
    with pytest.raises(DomainError):
        services.give_kudos(giver=agent, recipient=teammate, message="x", value=value)


def test_it_refuses_a_ticket_the_giver_cannot_see(agent, other_agent, billing_queue, teammate):
    hidden = TicketFactory(queue=billing_queue)
    with pytest.raises(DomainError) as err:
        services.give_kudos(giver=agent, recipient=teammate, message="x", ticket=hidden)
    assert err.value.field == "ticket"


def test_points_are_off_by_default(agent, teammate):
    with pytest.raises(DomainError) as err:
        services.give_kudos(giver=agent, recipient=teammate, message="x", points=5)
    assert err.value.field == "points"


def test_points_come_out_of_a_monthly_allowance(settings, agent, teammate, other_agent):
    settings.KUDOS_MONTHLY_POINTS = 10
    services.give_kudos(giver=agent, recipient=teammate, message="a", points=6)
    with pytest.raises(DomainError, match="4 points left"):
        services.give_kudos(giver=agent, recipient=other_agent, message="b", points=5)
    services.give_kudos(giver=agent, recipient=other_agent, message="b", points=4)
    # The recipient's own allowance is untouched by what they received.
    services.give_kudos(giver=teammate, recipient=agent, message="c", points=10)


# --- the page ----------------------------------------------------------------------------------


def test_the_form_gives_kudos_and_shows_it_in_the_feed(client, agent, teammate):
    client.force_login(agent)
    response = client.post(
        reverse("recognition:give"),
        {"recipient": teammate.pk, "message": "Thanks for the handover", "value": "", "visibility": "everyone"},
    )
    assert response.status_code == 302
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "Thanks for the handover" in page


def test_the_form_does_not_offer_oneself(client, agent, teammate):
    client.force_login(agent)
    response = client.post(
        reverse("recognition:give"), {"recipient": agent.pk, "message": "me", "visibility": "everyone"}
    )
    assert response.status_code == 400
    assert not Kudos.objects.exists()


def test_giving_kudos_refuses_get(client, agent):
    client.force_login(agent)
    assert client.get(reverse("recognition:give")).status_code == 405


def test_giving_kudos_refuses_non_staff(client, outsider, agent):
    client.force_login(outsider)
    response = client.post(reverse("recognition:give"), {"recipient": agent.pk, "message": "hi"})
    assert response.status_code == 403
    assert not Kudos.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("recognition:feed"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- API ---------------------------------------------------------------------------------------


def test_api_gives_kudos_by_username_and_value_slug(client, agent, teammate, ticket):
    client.force_login(agent)
    response = client.post(
        "/api/kudos/",
        {"recipient": "tomas", "message": "Great catch", "value": "owned-the-problem", "ticket": ticket.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recipient"]["username"] == "tomas" and body["value"] == "owned-the-problem"
    assert body["ticket"] == ticket.pk


def test_api_gives_kudos_by_ids(client, agent, teammate):
    client.force_login(agent)
    value = KudosValue.objects.get(slug="went-the-extra-mile")
    response = client.post(
        "/api/kudos/", {"recipient": teammate.pk, "message": "x", "value": value.pk}, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"recipient": "nobody", "message": "x"}, "recipient"),
        ({"recipient": "ana", "message": "x"}, "recipient"),  # oneself
        ({"recipient": "tomas"}, "message"),
        ({"recipient": "tomas", "message": "x", "value": "no-such"}, "value"),
        ({"recipient": "tomas", "message": "x", "ticket": 999999}, "ticket"),
        ({"recipient": ["tomas"], "message": "x"}, "recipient"),
    ],
)
def test_api_names_the_field_in_error(client, agent, teammate, payload, field):
    client.force_login(agent)
    response = client.post("/api/kudos/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Kudos.objects.exists()


def test_api_lists_only_what_the_caller_may_see(client, agent, teammate, other_agent, lead):
    public = KudosFactory(giver=teammate, recipient=other_agent, visibility=Visibility.EVERYONE)
    private = KudosFactory(giver=teammate, recipient=other_agent, visibility=Visibility.RECIPIENT)
    for_lead = KudosFactory(giver=other_agent, recipient=teammate, visibility=Visibility.LEAD)
    client.force_login(agent)
    ids = {row["id"] for row in client.get("/api/kudos/").json()["results"]}
    assert ids == {public.pk}
    client.force_login(lead)
    ids = {row["id"] for row in client.get("/api/kudos/").json()["results"]}
    assert ids == {public.pk, for_lead.pk}
    client.force_login(other_agent)
    ids = {row["id"] for row in client.get("/api/kudos/").json()["results"]}
    assert ids == {public.pk, private.pk, for_lead.pk}


def test_api_needs_authentication(client):
    assert client.get("/api/kudos/").status_code in (401, 403)


def test_api_with_token(client, agent, teammate):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent)
    response = client.post(
        "/api/kudos/",
        {"recipient": "tomas", "message": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201


def test_api_list_pins_its_queries(client, django_assert_max_num_queries, agent, teammate, other_agent):
    for n in range(30):
        KudosFactory(giver=teammate, recipient=other_agent, message=f"k{n}")
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        response = client.get("/api/kudos/")
    assert response.json()["count"] == 30 and len(response.json()["results"]) == 25
