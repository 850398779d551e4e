from celery import shared_task

from agents import services


@shared_task(name="agents.escalate_overdue_requests", acks_late=True)
def escalate_overdue_requests_task() -> int:
    """Periodic: pending requests undecided past the set time go to the next level."""
    return services.escalate_overdue_requests()


@shared_task(name="agents.hand_over_due_delegations", acks_late=True)
def hand_over_due_delegations_task() -> int:
    """Periodic: out-of-office periods that have started hand their approvals and tickets to the deputy."""
    return services.hand_over_due_delegations()
