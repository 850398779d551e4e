import pytest
from django.urls import reverse

from helpdesk.errors import DomainError
from notices.models import Notice
from notices.selectors import url
from recognition import selectors, services
from recognition.models import InternalSurvey
from tickets.models import Channel, Customer, EventKind, Priority, Status
from tickets.services import assign_ticket, solve_ticket
from tickets.tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(parent, by, queue, *, blocks=False, subject="Please confirm this refund", priority=Priority.NORMAL):
    return services.open_internal_request(
        parent=parent,
        by=by,
        queue=queue,
        subject=subject,
        body="Customer charged twice",
        blocks_customer=blocks,
        priority=priority,
    )


def test_an_agent_asks_another_department_from_a_ticket(ticket, agent, billing_queue):
    request = ask(ticket, agent, billing_queue, blocks=True)
    assert request.channel == Channel.INTERNAL
    assert request.parent == ticket and request.requested_by == agent and request.blocks_customer
    assert request.queue == billing_queue
    # The colleague is the internal customer, by their e-mail.
    assert request.customer == Customer.objects.get(email=agent.email)
    assert ticket.events.filter(kind=EventKind.INTERNAL_REQUEST, data__request=request.pk).exists()
    assert list(ticket.internal_requests.all()) == [request]


def test_it_refuses_a_request_to_ones_own_department(ticket, agent, support_queue):
    with pytest.raises(DomainError) as err:
        ask(ticket, agent, support_queue)
    assert err.value.field == "queue"


def test_it_refuses_a_ticket_the_agent_cannot_see(agent, billing_queue, support_queue, other_agent):
    hidden = TicketFactory(queue=billing_queue)
    with pytest.raises(DomainError):
        ask(hidden, agent, support_queue)


def test_blocking_requests_come_first_in_the_receiving_queue(ticket, agent, teammate, billing, billing_queue):
    calm_old = ask(ticket, agent, billing_queue, subject="calm old")
    urgent_calm = ask(ticket, teammate, billing_queue, subject="urgent calm", priority=Priority.URGENT)
    blocking_late = ask(ticket, teammate, billing_queue, subject="blocking late", blocks=True)
    blocking_high = ask(ticket, agent, billing_queue, subject="blocking high", blocks=True, priority=Priority.HIGH)
    ordered = list(selectors.internal_requests_for(billing))
    assert ordered == [blocking_high, blocking_late, urgent_calm, calm_old]


def test_the_department_page_lists_blocking_first(client, ticket, agent, other_agent, billing, billing_queue):
    calm = ask(ticket, agent, billing_queue, subject="calm one")
    blocking = ask(ticket, agent, billing_queue, subject="blocking one", blocks=True)
    client.force_login(other_agent)
    page = client.get(reverse("recognition:internal_department", args=[billing.slug])).content.decode()
    assert page.index(blocking.reference) < page.index(calm.reference)


def test_the_department_page_is_hidden_from_other_departments_agents(client, agent, billing):
    client.force_login(agent)
    assert client.get(reverse("recognition:internal_department", args=[billing.slug])).status_code == 404


def test_the_department_page_pins_its_queries(
    client, django_assert_max_num_queries, ticket, agent, other_agent, billing, billing_queue
):
    for n in range(8):
        ask(ticket, agent, billing_queue, subject=f"req {n}", blocks=n % 2 == 0)
    client.force_login(other_agent)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("recognition:internal_department", args=[billing.slug])).status_code == 200


def test_the_requester_sees_the_status_on_their_ticket(rf, ticket, agent, billing_queue):
    from recognition.panels import internal_requests_panel

    request = ask(ticket, agent, billing_queue, blocks=True)
    http = rf.get("/")
    http.user = agent
    panel = internal_requests_panel(http, ticket)
    assert panel["context"]["internal_requests"] == [request]
    from django.template.loader import render_to_string

    html = render_to_string(panel["template"], panel["context"])
    assert request.reference in html and "New" in html and "blocks the customer" in html


def test_the_panels_are_registered_with_the_ticket_page():
    from recognition import panels
    from tickets import hooks

    assert panels.internal_requests_panel in hooks.ticket_panels
    assert panels.internal_request_panel in hooks.ticket_panels


def test_solving_asks_the_requester_for_a_rating(ticket, agent, other_agent, billing_queue):
    request = ask(ticket, agent, billing_queue)
    assign_ticket(ticket=request, assignee=other_agent, by=other_agent)
    solve_ticket(ticket=request, by=other_agent)
    survey = InternalSurvey.objects.get(ticket=request)
    assert survey.requester == agent and survey.agent == other_agent and survey.rating is None
    [notice] = Notice.objects.filter(user=agent, kind="internal.rate")
    assert url(notice) == reverse("recognition:internal_rate", args=[request.pk])


def test_customer_tickets_get_no_internal_survey(ticket, agent):
    solve_ticket(ticket=ticket, by=agent)
    assert not InternalSurvey.objects.exists()


def test_the_requester_rates_and_it_counts_as_internal_csat(client, ticket, agent, other_agent, billing, billing_queue):
    request = ask(ticket, agent, billing_queue)
    assign_ticket(ticket=request, assignee=other_agent, by=other_agent)
    solve_ticket(ticket=request, by=other_agent)
    client.force_login(agent)
    url = reverse("recognition:internal_rate", args=[request.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": "5", "comment": "Quick and clear"})
    assert response.status_code == 302
    survey = InternalSurvey.objects.get(ticket=request)
    assert survey.rating == 5 and survey.comment == "Quick and clear"
    csat = selectors.internal_csat(billing)
    assert csat["responses"] == 1 and csat["csat"] == 100.0 and not csat["enough"]


def test_only_the_requester_may_rate(client, ticket, agent, teammate, other_agent, billing_queue):
    request = ask(ticket, agent, billing_queue)
    solve_ticket(ticket=request, by=other_agent)
    client.force_login(other_agent)  # the department that served may not rate itself
    assert client.post(reverse("recognition:internal_rate", args=[request.pk]), {"rating": "5"}).status_code == 404
    assert InternalSurvey.objects.get(ticket=request).rating is None


def test_a_rating_outside_1_to_5_is_refused(client, ticket, agent, other_agent, billing_queue):
    request = ask(ticket, agent, billing_queue)
    solve_ticket(ticket=request, by=other_agent)
    client.force_login(agent)
    response = client.post(reverse("recognition:internal_rate", args=[request.pk]), {"rating": "9"})
    assert response.status_code == 400
    assert InternalSurvey.objects.get(ticket=request).rating is None


def test_internal_csat_says_when_there_are_too_few_ratings(
    client, settings, ticket, agent, other_agent, billing, billing_queue
):
    settings.REVIEW_MIN_RESPONSES = 2
    for rating in (5, 2):
        request = ask(ticket, agent, billing_queue)
        solve_ticket(ticket=request, by=other_agent)
        services.rate_internal_request(survey=InternalSurvey.objects.get(ticket=request), by=agent, rating=rating)
    client.force_login(other_agent)
    page = client.get(reverse("recognition:internal_department", args=[billing.slug])).content.decode()
    assert "50.0%" in page


def test_the_request_form(client, ticket, agent, billing_queue):
    client.force_login(agent)
    url = reverse("recognition:internal_new", args=[ticket.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "queue": billing_queue.pk,
            "subject": "Confirm refund",
            "body": "Please",
            "priority": "normal",
            "blocks_customer": "on",
        },
    )
    assert response.status_code == 302
    request = ticket.internal_requests.get()
    assert request.blocks_customer and request.status == Status.NEW


def test_the_request_form_refuses_outsiders(client, agent, billing_queue, support_queue):
    hidden = TicketFactory(queue=billing_queue)
    client.force_login(agent)
    response = client.post(
        reverse("recognition:internal_new", args=[hidden.pk]),
        {"queue": support_queue.pk, "subject": "x", "body": "y", "priority": "normal"},
    )
    assert response.status_code == 404
    non_staff = UserFactory(username="guest", role=None)
    client.force_login(non_staff)
    assert client.get(reverse("recognition:internal_new", args=[hidden.pk])).status_code == 403


def _request_with_a_note_and_a_reply(ticket, agent, other_agent, billing_queue):
    from tickets.services import add_message

    request = ask(ticket, agent, billing_queue)
    add_message(
        ticket=request, by=other_agent, body="Billing only: the card processor flagged this account.", internal=True
    )
    add_message(ticket=request, by=other_agent, body="Refund confirmed, it goes out today.")
    return request


def test_the_requester_reads_the_public_thread_and_status_but_not_the_other_departments_notes(
    client, ticket, agent, other_agent, billing_queue
):
    request = _request_with_a_note_and_a_reply(ticket, agent, other_agent, billing_queue)
    client.force_login(agent)

    page = client.get(reverse("tickets:detail", args=[request.pk]))
    request.refresh_from_db()

    assert page.status_code == 200
    html = page.content.decode()
    assert "Refund confirmed, it goes out today." in html and request.get_status_display() in html
    assert "card processor" not in html
    assert 'name="body"' not in html, "no composer for the requester"


def test_the_requester_cannot_change_the_request_or_read_it_through_the_api(
    client, ticket, agent, other_agent, billing_queue
):
    request = _request_with_a_note_and_a_reply(ticket, agent, other_agent, billing_queue)
    client.force_login(agent)

    assert client.post(reverse("tickets:reply", args=[request.pk]), {"body": "x", "internal": "1"}).status_code == 404
    assert client.post(reverse("tickets:status", args=[request.pk]), {"status": "closed"}).status_code == 404
    assert client.get(f"/api/tickets/{request.pk}/").status_code == 404
    assert client.get(f"/api/tickets/{request.pk}/messages/").status_code == 404
    assert request.pk not in [t["id"] for t in client.get("/api/tickets/").json()["results"]]
    request.refresh_from_db()
    assert request.messages.count() == 3 and request.status != Status.CLOSED
