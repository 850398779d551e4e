"""The ticket's history is the event stream: every public service that changes a ticket or its
customer writes a TicketEvent, whatever app it lives in.

The service modules are walked (every app's `services*.py`, plus the rule actions, routing, the
collaboration helpers and the mail intake). Each public function must be listed below: either in
CHANGES_A_TICKET with a scenario that calls it (and the test checks that a new TicketEvent landed on
the ticket it returns), or in DOES_NOT_CHANGE_A_TICKET with the reason. A new service that is in
neither list fails `test_every_public_service_is_listed`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from agents.tests.conftest import agent_policy, lead_policy, policies, staffed  # noqa: F401 (fixtures)
from tickets.models import MessageKind, Queue, Ticket, TicketEvent
from tickets.tests.factories import MessageFactory

ROOT = Path(settings.BASE_DIR)
EXTRA_MODULES = [
    "automations.actions",
    "automations.routing",
    "automations.engine",
    "automations.timed",
    "tickets.collab",
    "mailroom.ingest",
]


def service_modules() -> list[str]:
    names = []
    for path in sorted(ROOT.glob("*/services*.py")):
        if (path.parent / "apps.py").exists():
            names.append(f"{path.parent.name}.{path.stem}")
    return names + EXTRA_MODULES


def public_functions() -> set[str]:
    found = set()
    for name in service_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name and not attr.startswith("_"):
                found.add(f"{name}.{attr}")
    return found


@dataclass
class World:
    """The personas and a ticket; `mark()` notes where history stood before the call under test."""

    ticket: Ticket
    agent: object
    teammate: object
    lead: object
    manager: object
    other_agent: object
    support_queue: Queue
    billing_queue: Queue
    since: int = 0
    extra: dict = field(default_factory=dict)

    def mark(self) -> None:
        self.since = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _message_from(customer_email: str, subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = customer_email
    msg["To"] = "general@latitude.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{timezone.now().timestamp()}@example.com>"
    msg.set_content("My order arrived broken.")
    return msg.as_bytes()


def _pending_action(w: World):
    from agents import services as agents

    return agents.record_offscript_action(ticket=w.ticket, by=w.agent, kind="refund", amount="80", reason="Broken")


def _sent_survey(w: World):
    from feedback import services as feedback
    from feedback.models import Survey, SurveySettings
    from tickets import services

    SurveySettings.objects.get_or_create(queue=w.support_queue, defaults={"delay_seconds": 0})
    services.solve_ticket(ticket=w.ticket, by=w.agent)
    survey = Survey.objects.get(ticket=w.ticket)
    feedback.send_survey(survey_id=survey.pk, enqueue_mail=False)
    survey.refresh_from_db()
    return survey


def _solved_internal_request(w: World):
    from recognition import services as recognition
    from tickets import services

    request = recognition.open_internal_request(
        parent=w.ticket, by=w.agent, queue=w.billing_queue, subject="Refund status?", body="Can you check?"
    )
    services.assign_ticket(ticket=request, assignee=w.other_agent, by=w.other_agent)
    services.solve_ticket(ticket=request, by=w.other_agent)
    return request


# --- scenarios: each sets up, calls w.mark(), calls the service once and returns the ticket that
# --- must have a new history row.


def s_create_ticket(w):
    from tickets import services

    w.mark()
    return services.create_ticket(subject="Hello", body="Where is my order?", customer_email="new@example.com")


def s_change_status(w):
    from tickets import services

    w.mark()
    return services.change_status(ticket=w.ticket, status="pending", by=w.agent)


def s_solve_ticket(w):
    from tickets import services

    w.mark()
    return services.solve_ticket(ticket=w.ticket, by=w.agent)


def s_assign_ticket(w):
    from tickets import services

    w.mark()
    return services.assign_ticket(ticket=w.ticket, assignee=w.teammate, by=w.agent)


def s_set_priority(w):
    from tickets import services

    w.mark()
    return services.set_priority(ticket=w.ticket, priority="high", by=w.agent)


def s_move_to_queue(w):
    from tickets import services

    w.mark()
    return services.move_to_queue(ticket=w.ticket, queue=w.billing_queue, by=w.agent)


def s_set_tags(w):
    from tickets import services

    w.mark()
    return services.set_tags(ticket=w.ticket, names=["vip"], by=w.agent)


def s_add_message(w):
    from tickets import services

    w.mark()
    return services.add_message(ticket=w.ticket, by=w.agent, body="On its way.").ticket


def s_add_customer_message(w):
    from tickets import services

    w.mark()
    return services.add_customer_message(ticket=w.ticket, body="Any news?").ticket


def s_apply_macro(w):
    from tickets import services
    from tickets.models import Macro

    macro = Macro.objects.create(name="Urgent", body="x", set_priority="urgent")
    w.mark()
    return services.apply_macro(macro=macro, ticket=w.ticket, by=w.agent)


def s_write_on_ticket(w):
    from tickets import services

    w.mark()
    return services.write_on_ticket(ticket=w.ticket, by=w.agent, body="Done.", then_status="solved").ticket


def s_update_customer(w):
    from tickets import services

    w.mark()
    services.update_customer(customer=w.ticket.customer, by=w.agent, name="Eleni P.", language="pt")
    return w.ticket


def s_record_customer_change(w):
    from tickets import services

    w.mark()
    services.record_customer_change(customer=w.ticket.customer, by=w.agent, kind="customer", changes={"name": 1})
    return w.ticket


def s_record_event(w):
    from tickets import services

    w.mark()
    return services.record_event(ticket=w.ticket, by=w.agent, kind="other").ticket


def s_apply_changes(w):
    from tickets import services_bulk

    w.mark()
    return services_bulk.apply_changes(ticket=w.ticket, changes={"priority": "low"}, by=w.agent)


def s_bulk_change(w):
    from tickets import services_bulk

    w.mark()
    services_bulk.bulk_change(by=w.agent, ids=[w.ticket.pk], changes={"add_tags": ["refund"]})
    return w.ticket


def s_change_by_rule(w):
    from tickets import services_bulk

    w.mark()
    assert services_bulk.change_by_rule(rule_id=1, tickets=[w.ticket], changes={"add_tags": ["refund"]}) == {}
    return w.ticket


def s_merge_tickets(w):
    from tickets import services, services_bulk

    other = services.create_ticket(
        subject="Again", body="Same order", customer_email=w.ticket.customer.email, queue=w.support_queue
    )
    w.mark()
    services_bulk.merge_tickets(ticket=other, into=w.ticket, by=w.agent)
    return other


def s_split_ticket(w):
    from tickets import services_bulk

    first = MessageFactory(ticket=w.ticket, kind=MessageKind.CUSTOMER)
    MessageFactory(ticket=w.ticket, kind=MessageKind.CUSTOMER)
    w.mark()
    services_bulk.split_ticket(ticket=w.ticket, message_ids=[first.pk], by=w.agent)
    return w.ticket


def s_set_field_values(w):
    from tickets.models import TicketField
    from tickets.services_fields import set_field_values

    TicketField.objects.create(key="order", label="Order", type="text")
    w.mark()
    return set_field_values(ticket=w.ticket, values={"order": "A-1"}, by=w.agent)


def s_record_offscript_action(w):
    from agents import services as agents

    w.mark()
    return agents.record_offscript_action(
        ticket=w.ticket, by=w.agent, kind="refund", amount="10", reason="Late delivery"
    ).ticket


def s_approve_offscript_action(w):
    from agents import services as agents

    action = _pending_action(w)
    w.mark()
    return agents.approve_offscript_action(action=action, by=w.lead).ticket


def s_reject_offscript_action(w):
    from agents import services as agents

    action = _pending_action(w)
    w.mark()
    return agents.reject_offscript_action(action=action, by=w.lead, note="No").ticket


def s_cancel_offscript_action(w):
    from agents import services as agents

    action = _pending_action(w)
    w.mark()
    return agents.cancel_offscript_action(action=action, by=w.agent).ticket


def s_escalate_overdue_requests(w):
    from agents import services as agents

    _pending_action(w)
    w.mark()
    assert agents.escalate_overdue_requests(now=timezone.now() + dt.timedelta(days=3)) == 1
    return w.ticket


def s_schedule_survey(w):
    from feedback import services as feedback

    w.ticket.status = "solved"
    w.ticket.solved_at = timezone.now()
    w.ticket.save()
    w.mark()
    feedback.schedule_survey(ticket=w.ticket, by=w.agent)
    return w.ticket


def s_cancel_pending_surveys(w):
    from feedback import services as feedback
    from feedback.models import SurveySettings
    from tickets import services

    SurveySettings.objects.create(queue=w.support_queue, delay_seconds=86400)
    services.solve_ticket(ticket=w.ticket, by=w.agent)
    w.mark()
    assert feedback.cancel_pending_surveys(ticket=w.ticket, by=w.agent) == 1
    return w.ticket


def s_schedule_surveys(w):
    from feedback import services as feedback

    w.ticket.status = "solved"
    w.ticket.solved_at = timezone.now()
    w.ticket.save()
    w.mark()
    feedback.schedule_surveys(tickets=[w.ticket], by=w.agent)
    return w.ticket


def s_cancel_pending_surveys_of(w):
    from feedback import services as feedback
    from feedback.models import SurveySettings
    from tickets import services

    SurveySettings.objects.create(queue=w.support_queue, delay_seconds=86400)
    services.solve_ticket(ticket=w.ticket, by=w.agent)
    w.mark()
    assert feedback.cancel_pending_surveys_of(tickets=[w.ticket], by=w.agent) == 1
    return w.ticket


def _scheduled_due_survey(w):
    from feedback.models import Survey, SurveySettings
    from tickets import services

    SurveySettings.objects.create(queue=w.support_queue, delay_seconds=0)
    services.solve_ticket(ticket=w.ticket, by=w.agent)
    return Survey.objects.get(ticket=w.ticket)


def s_send_survey(w):
    from feedback import services as feedback

    survey = _scheduled_due_survey(w)
    w.mark()
    assert feedback.send_survey(survey_id=survey.pk, enqueue_mail=False) is not None
    return w.ticket


def s_send_surveys(w):
    from feedback import services as feedback

    survey = _scheduled_due_survey(w)
    w.mark()
    assert feedback.send_surveys(survey_ids=[survey.pk]) == 1
    return w.ticket


def _reminder_due(w):
    from feedback.models import Survey

    survey = _sent_survey(w)
    Survey.objects.filter(pk=survey.pk).update(reminder_due_at=timezone.now() - dt.timedelta(minutes=1))
    return survey


def s_send_reminder(w):
    from feedback import services as feedback

    survey = _reminder_due(w)
    w.mark()
    assert feedback.send_reminder(survey_id=survey.pk, enqueue_mail=False) is not None
    return w.ticket


def s_send_reminders(w):
    from feedback import services as feedback

    survey = _reminder_due(w)
    w.mark()
    assert feedback.send_reminders(survey_ids=[survey.pk]) == 1
    return w.ticket


def s_record_answer(w):
    from feedback import services as feedback

    survey = _sent_survey(w)
    w.mark()
    feedback.record_answer(survey=survey, rating=4)
    return w.ticket


def s_opt_out(w):
    from feedback import services as feedback

    survey = _sent_survey(w)
    w.mark()
    feedback.opt_out(survey=survey)
    return w.ticket


def s_open_internal_request(w):
    from recognition import services as recognition

    w.mark()
    recognition.open_internal_request(
        parent=w.ticket, by=w.agent, queue=w.billing_queue, subject="Refund status?", body="Can you check?"
    )
    return w.ticket


def s_rate_internal_request(w):
    from recognition import services as recognition
    from recognition.models import InternalSurvey

    request = _solved_internal_request(w)
    survey = InternalSurvey.objects.get(ticket=request)
    w.mark()
    recognition.rate_internal_request(survey=survey, by=w.agent, rating=5)
    return request


def s_reply_from_portal(w):
    from portal import services as portal

    w.mark()
    return portal.reply_from_portal(ticket=w.ticket, customer=w.ticket.customer, body="Thanks!").ticket


def s_reopen_from_portal(w):
    from portal import services as portal
    from tickets import services

    services.solve_ticket(ticket=w.ticket, by=w.agent)
    w.mark()
    return portal.reopen_from_portal(ticket=Ticket.objects.get(pk=w.ticket.pk), customer=w.ticket.customer)


def s_run_action(w):
    from automations.actions import run_action

    w.mark()
    run_action({"type": "set_priority", "value": "urgent"}, ticket=w.ticket, rule={"id": 7, "name": "VIP"})
    assert TicketEvent.objects.filter(pk__gt=w.since, by_rule=7).exists()
    return w.ticket


def s_assign_round_robin(w):
    from automations.routing import assign_round_robin

    Ticket.objects.filter(pk=w.ticket.pk).update(assignee=None)
    w.mark()
    assign_round_robin(ticket=Ticket.objects.get(pk=w.ticket.pk), by_rule=3)
    return w.ticket


def s_ingest_email(w):
    from mailroom.ingest import ingest_email

    w.mark()
    result = ingest_email(raw=_message_from("someone@example.org", "My lamp is broken"))
    assert result.outcome == "created", result.outcome
    return result.inbound.ticket


def _delegation_from_agent(w):
    from agents.models import Delegation

    now = timezone.now()
    Ticket.objects.filter(pk=w.ticket.pk).update(assignee=w.agent, status="open")
    return Delegation.objects.create(
        from_user=w.agent,
        to_user=w.teammate,
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(days=1),
    )


def s_hand_over(w):
    from agents import services as agents

    delegation = _delegation_from_agent(w)
    w.mark()
    assert agents.hand_over(delegation=delegation)["tickets"] == 1
    return w.ticket


def s_hand_over_due_delegations(w):
    from agents import services as agents

    _delegation_from_agent(w)
    w.mark()
    assert agents.hand_over_due_delegations() == 1
    return w.ticket


def _hourly_rule():
    from automations.models import Rule

    return Rule.objects.create(
        name="Old tickets are urgent",
        event="hourly",
        conditions=[{"field": "hours_since_created", "operator": "at_least", "value": 1}],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )


def s_act_time_rule(w):
    from automations.timed import act_time_rule

    rule = _hourly_rule()
    w.mark()
    at = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    assert act_time_rule(rule_id=rule.pk, ticket_ids=[w.ticket.pk], at=at) == 1
    return w.ticket


def s_act_on_tickets(w):
    from automations.models import Rule
    from automations.timed import act_on_tickets

    rule = Rule.objects.filter(pk=_hourly_rule().pk).values().first()
    w.mark()
    assert act_on_tickets(rule=rule, ticket_ids=[w.ticket.pk], now=timezone.now() + dt.timedelta(hours=2)) == 1
    return w.ticket


def s_edit_properties(w):
    from tickets import services

    w.mark()
    edit = services.PropertiesEdit(
        queue=w.ticket.queue, assignee=w.ticket.assignee, priority="urgent", tags=["vip"], fields=None
    )
    return services.edit_properties(ticket=w.ticket, by=w.agent, edit=edit)


CHANGES_A_TICKET: dict[str, Callable[[World], Ticket]] = {
    "agents.services.hand_over": s_hand_over,
    "agents.services.hand_over_due_delegations": s_hand_over_due_delegations,
    "automations.timed.act_time_rule": s_act_time_rule,
    "automations.timed.act_on_tickets": s_act_on_tickets,
    "tickets.services.edit_properties": s_edit_properties,
    "tickets.services.create_ticket": s_create_ticket,
    "tickets.services.change_status": s_change_status,
    "tickets.services.solve_ticket": s_solve_ticket,
    "tickets.services.assign_ticket": s_assign_ticket,
    "tickets.services.set_priority": s_set_priority,
    "tickets.services.move_to_queue": s_move_to_queue,
    "tickets.services.set_tags": s_set_tags,
    "tickets.services.add_message": s_add_message,
    "tickets.services.add_customer_message": s_add_customer_message,
    "tickets.services.apply_macro": s_apply_macro,
    "tickets.services.write_on_ticket": s_write_on_ticket,
    "tickets.services.update_customer": s_update_customer,
    "tickets.services.record_customer_change": s_record_customer_change,
    "tickets.services.record_event": s_record_event,
    "tickets.services_bulk.apply_changes": s_apply_changes,
    "tickets.services_bulk.bulk_change": s_bulk_change,
    "tickets.services_bulk.merge_tickets": s_merge_tickets,
    "tickets.services_bulk.change_by_rule": s_change_by_rule,
    "tickets.services_bulk.split_ticket": s_split_ticket,
    "tickets.services_fields.set_field_values": s_set_field_values,
    "agents.services.record_offscript_action": s_record_offscript_action,
    "agents.services.approve_offscript_action": s_approve_offscript_action,
    "agents.services.reject_offscript_action": s_reject_offscript_action,
    "agents.services.cancel_offscript_action": s_cancel_offscript_action,
    "agents.services.escalate_overdue_requests": s_escalate_overdue_requests,
    "feedback.services.schedule_survey": s_schedule_survey,
    "feedback.services.cancel_pending_surveys": s_cancel_pending_surveys,
    "feedback.services.schedule_surveys": s_schedule_surveys,
    "feedback.services.cancel_pending_surveys_of": s_cancel_pending_surveys_of,
    "feedback.services.send_survey": s_send_survey,
    "feedback.services.send_surveys": s_send_surveys,
    "feedback.services.send_reminder": s_send_reminder,
    "feedback.services.send_reminders": s_send_reminders,
    "feedback.services.record_answer": s_record_answer,
    "feedback.services.opt_out": s_opt_out,
    "recognition.services.open_internal_request": s_open_internal_request,
    "recognition.services.rate_internal_request": s_rate_internal_request,
    "portal.services.reply_from_portal": s_reply_from_portal,
    "portal.services.reopen_from_portal": s_reopen_from_portal,
    "automations.actions.run_action": s_run_action,
    "automations.routing.assign_round_robin": s_assign_round_robin,
    "mailroom.ingest.ingest_email": s_ingest_email,
}

_READS = "reads or computes; writes nothing"
_NOT_TICKETS = "writes no ticket or customer (its own app's rows only)"
_NOTICES = "writes in-app notices only"
_DISPATCH = "dispatches to the services above (each of its writes is one of them)"

DOES_NOT_CHANGE_A_TICKET: dict[str, str] = {
    "tickets.services.get_or_create_customer": "part of create_ticket (its `created` row covers it)",
    "tickets.services.safe_filename": _READS,
    "tickets.services.add_attachment": "part of add_message / create_ticket (their row covers it)",
    "tickets.services.render_macro": _READS,
    "tickets.services.update_preferences": "a staff member's own preferences",
    "tickets.services_bulk.final_ticket": _READS,
    "tickets.services_fields.clean_value": _READS,
    "tickets.services_fields.fields_for": _READS,
    "tickets.services_fields.clean_values": _READS,
    "tickets.services_fields.apply_values": _READS,
    "tickets.services_fields.missing_required": _READS,
    "tickets.services_fields.required_fields_guard": _READS,
    "tickets.services_fields.filter_value": _READS,
    "tickets.services_fields.field_q": _READS,
    "tickets.services_fields.field_filters": _READS,
    "tickets.services_fields.apply_field_filters": _READS,
    "tickets.services_fields.create_ticket_field": "field definitions, not a ticket",
    "tickets.services_fields.update_ticket_field": "field definitions, not a ticket",
    "tickets.services_fields.delete_ticket_field": "field definitions; values on tickets stay",
    "tickets.collab.register": "registers notice kinds",
    "tickets.collab.follow": "a staff member's own subscription, not the ticket's state",
    "tickets.collab.unfollow": "a staff member's own subscription, not the ticket's state",
    "tickets.collab.notify_followers": _NOTICES,
    "tickets.collab.mentioned_usernames": _READS,
    "tickets.collab.notify_mentions": _NOTICES,
    "agents.services.escalate_after": _READS,
    "agents.services.resolve_kind": _READS,
    "agents.services.clean_amount": _READS,
    "agents.services.route": _READS,
    "agents.services.create_delegation": _NOT_TICKETS,
    "agents.services.publish_policy_version": _NOT_TICKETS,
    "agents.services.mark_notifications_read": _NOTICES,
    "audit.services.jsonable": _READS,
    "audit.services.snapshot": _READS,
    "audit.services.record": "the admin audit trail of configuration models",
    "automations.services.validate_rule": _READS,
    "automations.services.create_rule": _NOT_TICKETS,
    "automations.services.update_rule": _NOT_TICKETS,
    "automations.services.delete_rule": _NOT_TICKETS,
    "automations.actions.validate": _READS,
    "automations.routing.candidates": _READS,
    "automations.routing.set_availability": _NOT_TICKETS,
    "automations.routing.availability_of": _READS,
    "automations.engine.event_of": _READS,
    "automations.engine.active_rules": _READS,
    "automations.engine.forget_rules": "clears a cache",
    "automations.engine.on_event": _DISPATCH + " (run_action)",
    "automations.engine.run_rules": _DISPATCH + " (run_action)",
    "automations.engine.on_events": _DISPATCH + " (change_by_rule, run_action)",
    "automations.timed.run_time_rules": _DISPATCH + " (run_action)",
    "feedback.services.hash_token": _READS,
    "feedback.services.new_token": _READS,
    "feedback.services.survey_url": _READS,
    "feedback.services.publish_send": "hands survey ids to the broker; send_surveys records",
    "feedback.services.sweep_surveys": _DISPATCH + " (send_surveys, send_reminders)",
    "feedback.services.mark_notices_read": _NOTICES,
    "feedback.services.refresh_report_fields": "copies facts about tickets onto their surveys for the reports; the"
    " change that moved them (an action, a reopening) wrote its own history row",
    "kb.services.search_text_of": _READS,
    "kb.services.reindex": _NOT_TICKETS,
    "kb.services.create_article": _NOT_TICKETS,
    "kb.services.update_article": _NOT_TICKETS,
    "kb.services.record_view": _NOT_TICKETS,
    "kb.services.record_feedback": _NOT_TICKETS,
    "kb.services.record_deflection": _NOT_TICKETS,
    "kb.services.create_category": _NOT_TICKETS,
    "kb.services.review_due": _READS,
    "mailroom.services.backoff": _READS,
    "mailroom.services.stuck_after": _READS,
    "mailroom.services.new_message_id": _READS,
    "mailroom.services.enqueue": "hands an e-mail id to the broker",
    "mailroom.services.queue_email": "stores an outbound e-mail; the message or survey that caused it is recorded",
    "mailroom.services.build_message": _READS,
    "mailroom.services.claim": "outbound e-mail delivery state",
    "mailroom.services.send_outbound": "outbound e-mail delivery state",
    "mailroom.services.sweep_outbound": "outbound e-mail delivery state",
    "mailroom.services.claim_many": "outbound e-mail delivery state",
    "mailroom.services.send_outbound_batch": "outbound e-mail delivery state",
    "mailroom.ingest.choose_queue": _READS,
    "mailroom.ingest.find_ticket": _READS,
    "mailroom.ingest.copied_addresses": _READS,
    "mailroom.ingest.quarantine": "stores unhandled mail; no ticket yet",
    "mailroom.ingest.open_ticket_from_ignored": _DISPATCH + " (create_ticket)",
    "mailroom.ingest.allow_sender": _DISPATCH + " (ingest_email's create_ticket / add_customer_message)",
    "mailroom.ingest.retry_quarantined": _DISPATCH + " (ingest_email's create_ticket / add_customer_message)",
    "mailroom.ingest.discard_quarantined": "quarantined mail only",
    "notices.services.target_of": _READS,
    "notices.services.wants_email": _READS,
    "notices.services.notify": _NOTICES,
    "notices.services.mark_read": _NOTICES,
    "notices.services.mark_read_of_kind": _NOTICES,
    "notices.services.mark_target_read": _NOTICES,
    "notices.services.set_email_preference": _NOT_TICKETS,
    "notices.services.acknowledge": _NOT_TICKETS + " (read and understood)",
    "portal.services.hash_token": _READS,
    "portal.services.link_token": _READS,
    "portal.services.sign_in_url": _READS,
    "portal.services.find_customer": _READS,
    "portal.services.request_sign_in_link": "sign-in links, not the customer's record",
    "portal.services.render_sign_in_link": _READS,
    "portal.services.redeem_sign_in_link": "sign-in links, not the customer's record",
    "portal.services.reopen_window": _READS,
    "portal.services.can_reopen": _READS,
    "portal.services.can_reply": _READS,
    "recognition.services.display_name": _READS,
    "recognition.services.notify": _NOTICES,
    "recognition.services.give_kudos": _NOT_TICKETS,
    "recognition.services.toggle_reaction": _NOT_TICKETS,
    "recognition.services.comment_on_kudos": _NOT_TICKETS,
    "recognition.services.share_customer_praise": _NOT_TICKETS + " (kudos)",
    "recognition.services.mark_notifications_read": _NOTICES,
    "recognition.services.set_celebration_preference": _NOT_TICKETS,
    "recognition.services.detect_milestones": _NOT_TICKETS,
    "recognition.services.on_ticket_solved": "hook: asks the requester for a rating (a notice)",
    "recognition.services.review_agents": _READS,
    "recognition.services.prepare_reviews": _NOT_TICKETS,
    "recognition.services.prepare_due_reviews": _NOT_TICKETS,
    "recognition.services.submit_reflection": _NOT_TICKETS,
    "recognition.services.write_lead_part": _NOT_TICKETS,
    "recognition.services.answer_review_part": _NOT_TICKETS,
    "recognition.services.sign_review": _NOT_TICKETS,
    "recognition.services.post_announcement": _NOT_TICKETS,
    "recognition.services.mark_announcement_read": _NOT_TICKETS,
    "recognition.services.acknowledge_announcement": _NOT_TICKETS,
    "webhooks.services.clean_url": _READS,
    "webhooks.services.clean_events": _READS,
    "webhooks.services.create_webhook": _NOT_TICKETS,
    "webhooks.services.update_webhook": _NOT_TICKETS,
    "webhooks.services.delete_webhook": _NOT_TICKETS,
    "webhooks.services.rotate_secret": _NOT_TICKETS,
    "webhooks.services.emit": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.emit_many": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.publish": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.sign": _READS,
    "webhooks.services.backoff_seconds": _READS,
    "webhooks.services.attempt_deliveries": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.attempt_delivery": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.admins": _READS,
    "webhooks.services.redeliver": _NOT_TICKETS + " (deliveries)",
    "webhooks.services.sweep": _NOT_TICKETS + " (deliveries)",
    "agents.services.end_delegation": _NOT_TICKETS + " (tickets already handed over stay with the deputy)",
    "automations.routing.forget_availability": "forgets a cached availability",
    "automations.routing.header_state": _READS,
    "automations.routing.next_assignee": _READS,
    "automations.routing.out_of_office_now": _READS,
    "automations.routing.running_out_of_office": _READS,
    "automations.services.cancel_out_of_office": _NOT_TICKETS,
    "automations.services.set_out_of_office": _NOT_TICKETS + " (the hand-over at its start is agents.hand_over)",
    "automations.services.move_rule": _NOT_TICKETS,
    "automations.services.reorder_rules": _NOT_TICKETS,
    "automations.services.rule_problems": _READS,
    "automations.timed.calendar_groups": _READS,
    "automations.timed.dispatch_time_rules": "hands batches to workers (automations.timed.act_time_rule)",
    "automations.timed.plan_time_rules": _READS,
    "automations.timed.qualifying": _READS,
    "feedback.services.in_flight_window": _READS,
    "privacy.services.customer_summary": _READS,
    "privacy.services.export_customer": "reads; the export is recorded in the audit trail",
    "privacy.services.export_data": _READS,
    "privacy.services.erase_customer": "recorded in the audit trail: the history itself is scrubbed of the person",
    "privacy.services.purge_expired_attachments": "deletes old files of closed tickets; recorded in the audit trail",
    "privacy.services.retention_cutoff": _READS,
    "tickets.services.sla_targets": _READS,
    "tickets.services.transition_refusals": _READS,
    "tickets.services_fields.raw_value": _READS,
    "tickets.services.unseen_messages": _READS,
    "tickets.services_fields.field_filters_q": _READS,
    "tickets.services_views.can_edit_view": _READS,
    "tickets.services_views.clean_query": _READS,
    "tickets.services_views.shareable_departments": _READS,
    "tickets.services_views.save_view": "a saved inbox view, not a ticket",
    "tickets.services_views.update_view": "a saved inbox view, not a ticket",
    "tickets.services_views.delete_view": "a saved inbox view, not a ticket",
}


def test_every_public_service_is_listed():
    found = public_functions()
    listed = set(CHANGES_A_TICKET) | set(DOES_NOT_CHANGE_A_TICKET)
    assert not set(CHANGES_A_TICKET) & set(DOES_NOT_CHANGE_A_TICKET)
    unlisted = sorted(found - listed)
    assert unlisted == [], (
        "a public service is in neither list of helpdesk/tests/test_history.py: add a scenario to "
        "CHANGES_A_TICKET (it must write a TicketEvent) or say in DOES_NOT_CHANGE_A_TICKET why it needs none"
    )
    assert sorted(listed - found) == [], "listed services that no longer exist"


@pytest.fixture
def world(
    ticket, agent, teammate, lead, manager, other_agent, support_queue, billing_queue, request, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request.getfixturevalue("staffed")  # role policies, for the off-script scenarios
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return World(
        ticket=ticket,
        agent=agent,
        teammate=teammate,
        lead=lead,
        manager=manager,
        other_agent=other_agent,
        support_queue=support_queue,
        billing_queue=billing_queue,
    )


@pytest.mark.parametrize("name", sorted(CHANGES_A_TICKET))
def test_the_service_writes_a_ticket_event(name, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        changed = CHANGES_A_TICKET[name](world)
    assert changed is not None, f"{name}: the scenario returned no ticket"
    written = TicketEvent.objects.filter(ticket_id=changed.pk, pk__gt=world.since)
    assert written.exists(), f"{name} changed ticket {changed.pk} and wrote no TicketEvent"


def test_a_customer_edit_is_on_every_ticket_of_theirs_with_raw_values(ticket, agent):
    from tickets import services
    from tickets.tests.factories import TicketFactory

    second = TicketFactory(queue=ticket.queue, customer=ticket.customer)
    services.update_customer(customer=ticket.customer, by=agent, name=ticket.customer.name, language="pt")
    for t in (ticket, second):
        event = t.events.get(kind="customer")
        assert event.data == {"language": ["el", "pt"]}
        assert event.actor == agent


def test_an_unchanged_customer_save_writes_no_history(ticket, agent):
    from tickets import services

    c = ticket.customer
    services.update_customer(customer=c, by=agent, name=c.name, language=c.language)
    assert not ticket.events.filter(kind="customer").exists()


def test_an_internal_request_is_linked_through_create_ticket(ticket, agent, billing_queue):
    from recognition import services as recognition

    request = recognition.open_internal_request(
        parent=ticket, by=agent, queue=billing_queue, subject="Refund?", body="Please check", blocks_customer=True
    )
    request.refresh_from_db()
    assert (request.parent_id, request.requested_by_id, request.blocks_customer) == (ticket.pk, agent.pk, True)
    created = request.events.get(kind="created")
    assert created.data == {"parent": ticket.pk, "blocks_customer": True}
    on_parent = ticket.events.get(kind="internal_request")
    assert on_parent.new_value == request.reference
    assert on_parent.data["department"] == billing_queue.department_id
