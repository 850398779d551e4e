"""Which webhook events the other apps' changes become: kudos, surveys and off-script actions."""

from __future__ import annotations

import json

from recognition import services as recognition
from tickets import events
from tickets.models import EventKind
from webhooks import payloads, services


def test_kudos_visible_to_everyone_is_sent_and_private_kudos_is_not(
    manager, agent, teammate, sink, django_capture_on_commit_callbacks
):
    services.create_webhook(by=manager, url=sink.url, events=["kudos.given"])
    with django_capture_on_commit_callbacks(execute=True):
        recognition.give_kudos(giver=teammate, recipient=agent, message="Covered my queue")
    [request] = sink.wait_for(1)
    body = json.loads(request["body"])
    assert body["event"] == "kudos.given"
    assert body["data"]["kudos"]["recipient"] == "ana" and body["data"]["kudos"]["message"] == "Covered my queue"
    with django_capture_on_commit_callbacks(execute=True):
        recognition.give_kudos(giver=teammate, recipient=agent, message="Just between us", visibility="recipient")
    assert len(sink.requests) == 1


def test_a_survey_answer_is_survey_answered(ticket):
    event = events.record(
        ticket=ticket, by=None, kind=EventKind.SURVEY, old="", new="5", data={"survey": 7, "rating": 5, "reason": ""}
    )
    [(name, data)] = payloads.from_ticket_event(event)
    assert name == "survey.answered" and data["survey"] == {"id": 7, "rating": 5, "reason": "", "changed": False}


def test_off_script_requests_and_decisions_are_told_apart(ticket, agent, lead):
    base = {"action": 3, "kind": "refund", "amount": "20.00", "currency": "EUR"}
    pending = events.record(
        ticket=ticket, by=agent, kind=EventKind.OFFSCRIPT, data={**base, "status": "pending", "level": "lead"}
    )
    decided = events.record(
        ticket=ticket, by=lead, kind=EventKind.OFFSCRIPT, data={**base, "status": "approved", "note": "ok"}
    )
    within = events.record(ticket=ticket, by=agent, kind=EventKind.OFFSCRIPT, data={**base, "status": "approved"})
    escalated = events.record(
        ticket=ticket, by=None, kind=EventKind.OFFSCRIPT, data={**base, "status": "pending", "from_level": "lead"}
    )
    assert [n for n, _d in payloads.from_ticket_event(pending)] == ["offscript.requested"]
    assert [n for n, _d in payloads.from_ticket_event(decided)] == ["offscript.decided"]
    assert [n for n, _d in payloads.from_ticket_event(within)] == ["offscript.requested", "offscript.decided"]
    assert payloads.from_ticket_event(escalated) == []
