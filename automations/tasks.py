from celery import shared_task

from automations import timed


@shared_task(name="automations.run_time_rules", acks_late=True)
def run_time_rules() -> int:
    """Hourly (beat): find the tickets time rules may act on and hand them to workers in batches."""
    return timed.dispatch_time_rules()


@shared_task(name="automations.act_time_rule", acks_late=True)
def act_time_rule(rule_id: int, ticket_ids: list[int], at: str) -> int:
    """One batch of the hourly pass; idempotent (a rule acts on a ticket once per state)."""
    return timed.act_time_rule(rule_id=rule_id, ticket_ids=ticket_ids, at=at)
