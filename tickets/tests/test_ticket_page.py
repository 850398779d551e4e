"""The ticket page: thread, composer, side panel changes, macros, attachments, presence and permissions."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import hooks, presence, services
from tickets.models import Attachment, EventKind, Macro, Message, Status, Tag, Ticket
from tickets.tests.factories import MessageFactory, TicketFactory, UserFactory


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def url(name, ticket, *args):
    return reverse(f"tickets:{name}", args=[ticket.pk, *args])


@pytest.fixture
def visitor(db):
    return UserFactory(username="visitor", role=None)


def body(response):
    return response.content.decode()


# ------------------------------------------------------------------ the page


def test_the_thread_tells_replies_notes_and_customer_messages_apart(client, agent, ticket):
    MessageFactory(ticket=ticket, kind="customer", body="My card was charged twice")
    services.add_message(ticket=ticket, by=agent, body="Refund on its way")
    services.add_message(ticket=ticket, by=agent, body="Checked the PSP dashboard", internal=True)
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    assert html.count('class="card mb-3 msg msg-customer"') == 1
    assert html.count('class="card mb-3 msg msg-reply"') == 1
    assert html.count('class="card mb-3 msg msg-note"') == 1
    note = html.split("msg-note")[1]
    assert "Internal note" in note and "Checked the PSP dashboard" in note


def test_sanitised_html_is_shown_and_plain_text_keeps_its_lines(client, agent, ticket):
    services.add_customer_message(ticket=ticket, body="", body_html="<p>Hi <b>there</b><script>alert(1)</script></p>")
    MessageFactory(ticket=ticket, body="line one\nline two & <i>not html</i>")
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    assert "<b>there</b>" in html and "alert(1)" not in html
    assert "line one<br>line two &amp; &lt;i&gt;not html&lt;/i&gt;" in html


def test_the_side_panel_shows_only_allowed_transitions(client, agent, ticket):
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    assert 'name="status" value="solved"' in html and 'name="status" value="pending"' in html
    assert 'name="status" value="closed"' not in html


def test_the_customer_panel_lists_their_other_tickets(client, agent, ticket, support_queue, billing_queue):
    other = TicketFactory(subject="Earlier question", queue=support_queue, customer=ticket.customer)
    hidden = TicketFactory(subject="Billing secret", queue=billing_queue, customer=ticket.customer)
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    assert "Eleni Papadopoulou" in html and "eleni@example.gr" in html and "Greek" in html
    assert other.reference in html and hidden.reference not in html
    assert reverse("tickets:customer", args=[ticket.customer.pk]) in html


def test_history_lists_who_did_what(client, agent, ticket):
    services.change_status(ticket=ticket, status="pending", by=agent)
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    history = html.split('id="history-heading"')[1]
    assert "Ana Silva" in history and "Open" in history and "Pending" in history


def test_panels_from_other_apps_are_rendered_in_order(client, agent, ticket, monkeypatch, tmp_path, settings):
    calls = []

    def second(request, ticket):
        calls.append(ticket.pk)
        return {"template": "tickets/_status_badge.html", "context": {"status": "x", "label": "Panel B"}, "order": 2}

    def first(request, ticket):
        return {"template": "tickets/_status_badge.html", "context": {"status": "y", "label": "Panel A"}, "order": 1}

    monkeypatch.setattr(hooks, "ticket_panels", [second, lambda r, t: None, first])
    client.force_login(agent)
    html = body(client.get(url("detail", ticket)))
    assert html.index("Panel A") < html.index("Panel B") and calls == [ticket.pk]


def test_anonymous_is_sent_to_log_in(client, ticket):
    response = client.get(url("detail", ticket))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_non_staff_get_403(client, visitor, ticket):
    client.force_login(visitor)
    assert client.get(url("detail", ticket)).status_code == 403


def test_an_agent_of_another_department_gets_404(client, other_agent, ticket):
    client.force_login(other_agent)
    assert client.get(url("detail", ticket)).status_code == 404


def test_a_manager_may_open_any_ticket(client, manager, billing_queue):
    ticket = TicketFactory(queue=billing_queue)
    client.force_login(manager)
    assert client.get(url("detail", ticket)).status_code == 200


def test_queries_do_not_grow_with_the_thread(client, agent, ticket):
    client.force_login(agent)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url("detail", ticket))
        return len(ctx.captured_queries)

    services.add_message(ticket=ticket, by=agent, body="one", attachments=[("a.txt", b"a", "text/plain")])
    client.get(url("detail", ticket))
    few = count()
    for i in range(15):
        services.add_message(ticket=ticket, by=agent, body=f"m{i}", attachments=[("a.txt", b"a", "text/plain")])
        services.add_message(ticket=ticket, by=agent, body=f"n{i}", internal=True)
    assert count() == few


# ------------------------------------------------------------------ composer


def compose(client, ticket, **data):
    data.setdefault("internal", "0")
    data.setdefault("token", "t-1")
    return client.post(url("reply", ticket), data)


def test_a_reply_appears_in_the_thread(client, agent, ticket):
    client.force_login(agent)
    response = compose(client, ticket, body="Your refund is on its way.")
    message = ticket.messages.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    assert message.kind == "reply" and message.author == agent
    page = client.get(response["Location"])
    assert "Your refund is on its way." in body(page) and "Reply sent." in body(page)


def test_an_internal_note_is_not_a_reply(client, agent, ticket):
    client.force_login(agent)
    compose(client, ticket, body="Customer is VIP", internal="1")
    ticket.refresh_from_db()
    assert ticket.messages.get().kind == "note" and ticket.first_response_at is None


def test_the_same_composer_posted_twice_posts_once(client, agent, ticket):
    client.force_login(agent)
    compose(client, ticket, body="Hello", token="same")
    response = compose(client, ticket, body="Hello", token="same")
    assert response.status_code == 302
    assert ticket.messages.count() == 1
    assert "already sent" in body(client.get(response["Location"]))


def test_each_render_gets_a_fresh_token(client, agent, ticket):
    client.force_login(agent)
    first = client.get(url("detail", ticket)).context["composer"]["token"].value()
    second = client.get(url("detail", ticket)).context["composer"]["token"].value()
    assert first and second and first != second


def test_an_empty_reply_is_refused_with_a_message(client, agent, ticket):
    client.force_login(agent)
    response = compose(client, ticket, body="   ")
    assert response.status_code == 400 and "This field is required" in body(response)
    assert not ticket.messages.exists()


def test_reply_and_solve(client, agent, ticket):
    client.force_login(agent)
    compose(client, ticket, body="Done, refunded.", then_status="solved")
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.messages.count() == 1


def test_a_reply_on_a_closed_ticket_is_refused_and_keeps_the_text(client, agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    client.force_login(agent)
    response = compose(client, ticket, body="Hello again")
    assert response.status_code == 400
    assert "This ticket is closed" in body(response) and "Hello again" in body(response)
    assert not ticket.messages.exists()


def test_the_composer_is_post_only(client, agent, ticket):
    client.force_login(agent)
    assert client.get(url("reply", ticket)).status_code == 405


def test_outsiders_cannot_reply(client, other_agent, visitor, ticket):
    client.force_login(other_agent)
    assert compose(client, ticket, body="x").status_code == 404
    client.force_login(visitor)
    assert compose(client, ticket, body="x").status_code == 403
    client.logout()
    assert compose(client, ticket, body="x").status_code == 302
    assert not ticket.messages.exists()


def test_attachments_are_saved_and_downloadable_by_who_may_see_the_ticket(client, agent, other_agent, ticket):
    client.force_login(agent)
    upload = SimpleUploadedFile("../invoice<1>.pdf", b"%PDF-1.4 data", content_type="application/pdf")
    compose(client, ticket, body="Invoice attached", attachments=[upload])
    attachment = Attachment.objects.get()
    assert attachment.filename == "invoice_1_.pdf"
    html = body(client.get(url("detail", ticket)))
    link = reverse("tickets:attachment", args=[attachment.pk])
    assert link in html and "/media/" not in html
    response = client.get(link)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "invoice_1_.pdf" in response["Content-Disposition"]
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 data"
    client.force_login(other_agent)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302


@pytest.mark.parametrize("content, message", [(b"", "is empty"), (b"x" * 2048, "larger than the limit")])
def test_bad_attachments_are_refused_and_nothing_is_saved(client, agent, ticket, settings, content, message):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(agent)
    good = SimpleUploadedFile("fine.txt", b"ok")
    bad = SimpleUploadedFile("bad.bin", content)
    response = compose(client, ticket, body="See files", attachments=[good, bad])
    assert response.status_code == 400 and message in body(response) and "See files" in body(response)
    assert not Message.objects.filter(ticket=ticket).exists() and not Attachment.objects.exists()


# ------------------------------------------------------------------ macros


@pytest.fixture
def macro(support):
    m = Macro.objects.create(
        name="Ask for order",
        body="Hello {{ customer_name }}, your ref is {{ ticket_ref }}. {{ agent_name }}",
        set_status=Status.PENDING,
        set_priority="high",
    )
    m.add_tags.set([Tag.objects.create(name="awaiting-info")])
    return m


def test_macro_preview_fills_placeholders(client, agent, ticket, macro):
    client.force_login(agent)
    data = client.get(url("macro_preview", ticket, macro.pk)).json()
    assert data["body"] == f"Hello Eleni Papadopoulou, your ref is {ticket.reference}. Ana Silva"


def test_macro_of_another_department_is_not_offered(client, agent, ticket, billing):
    other = Macro.objects.create(name="Billing only", body="x", department=billing)
    client.force_login(agent)
    assert client.get(url("macro_preview", ticket, other.pk)).status_code == 404
    assert "Billing only" not in body(client.get(url("detail", ticket)))


def test_insert_macro_without_javascript_prefills_the_composer(client, agent, ticket, macro):
    client.force_login(agent)
    response = client.get(url("detail", ticket), {"macro": macro.pk, "body": "Hi!"})
    assert f"Hi!\n\nHello Eleni Papadopoulou, your ref is {ticket.reference}." in body(response)


def test_sending_with_a_macro_applies_its_actions(client, agent, ticket, macro):
    client.force_login(agent)
    compose(client, ticket, body="Please send your order number", macro=macro.pk)
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING and ticket.priority == "high"
    assert list(ticket.tags.values_list("name", flat=True)) == ["awaiting-info"]
    assert ticket.events.filter(kind=EventKind.MACRO).exists()


# ------------------------------------------------------------------ side panel


def test_status_change_happy_path(client, agent, ticket):
    client.force_login(agent)
    response = client.post(url("status", ticket), {"status": "solved"})
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert "Status changed to Solved." in body(client.get(response["Location"]))


def test_an_invalid_transition_is_refused_with_the_services_message(client, agent, ticket):
    client.force_login(agent)
    response = client.post(url("status", ticket), {"status": "closed"}, follow=True)
    assert "A ticket that is open cannot become closed." in body(response)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_an_unknown_status_is_refused(client, agent, ticket):
    client.force_login(agent)
    response = client.post(url("status", ticket), {"status": "exploded"}, follow=True)
    assert response.status_code == 200 and "not one of the available choices" in body(response)


@pytest.mark.parametrize(
    "name, data",
    [
        ("status", {"status": "solved"}),
        ("priority", {"priority": "urgent"}),
        ("tags", {"tags": "vip"}),
        ("assign", {"assignee": ""}),
    ],
)
def test_side_panel_changes_are_post_only_and_for_insiders(client, agent, other_agent, visitor, ticket, name, data):
    client.force_login(agent)
    assert client.get(url(name, ticket)).status_code == 405
    client.force_login(other_agent)
    assert client.post(url(name, ticket), data).status_code == 404
    client.force_login(visitor)
    assert client.post(url(name, ticket), data).status_code == 403
    client.logout()
    assert client.post(url(name, ticket), data).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (Status.OPEN, "normal", agent)
    assert not ticket.tags.exists()


def test_assign_priority_and_tags(client, agent, teammate, ticket):
    client.force_login(agent)
    client.post(url("assign", ticket), {"assignee": teammate.pk})
    client.post(url("priority", ticket), {"priority": "urgent"})
    client.post(url("tags", ticket), {"tags": "Refund, vip ,"})
    ticket.refresh_from_db()
    assert ticket.assignee == teammate and ticket.priority == "urgent"
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["refund", "vip"]


def test_an_agent_cannot_assign_to_someone_outside_their_department(client, agent, other_agent, ticket):
    client.force_login(agent)
    response = client.post(url("assign", ticket), {"assignee": other_agent.pk}, follow=True)
    assert "Select a valid choice" in body(response)
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_moving_a_ticket_out_of_sight_returns_to_the_inbox(client, agent, teammate, ticket, billing_queue):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=teammate)
    client.force_login(agent)
    response = client.post(url("queue", ticket), {"queue": billing_queue.pk})
    assert response["Location"] == reverse("tickets:inbox")
    ticket.refresh_from_db()
    assert ticket.queue == billing_queue


# ------------------------------------------------------------------ presence


def test_someone_else_viewing_and_replying_is_shown(client, agent, teammate, ticket):
    presence.touch(ticket_id=ticket.pk, user=teammate)
    client.force_login(agent)
    assert "Tomás Reis is viewing this ticket." in body(client.get(url("detail", ticket)))
    presence.touch(ticket_id=ticket.pk, user=teammate, typing=True)
    response = client.post(url("presence", ticket), {"typing": "0"})
    assert "Tomás Reis is replying to this ticket." in body(response)
    assert "Ana Silva" not in body(response)


def test_the_heartbeat_marks_me_for_others(client, agent, teammate, ticket):
    client.force_login(agent)
    client.post(url("presence", ticket), {"typing": "1"})
    assert presence.others(ticket_id=ticket.pk, user=teammate) == [{"name": "Ana Silva", "typing": True}]


def test_presence_expires(agent, teammate, ticket, monkeypatch):
    presence.touch(ticket_id=ticket.pk, user=teammate)
    import time

    later = time.time() + presence.PRESENCE_TTL + 1
    monkeypatch.setattr(presence.time, "time", lambda: later)
    assert presence.others(ticket_id=ticket.pk, user=agent) == []


def test_presence_is_post_only_and_for_insiders(client, agent, other_agent, ticket):
    client.force_login(agent)
    assert client.get(url("presence", ticket)).status_code == 405
    client.force_login(other_agent)
    assert client.post(url("presence", ticket)).status_code == 404
