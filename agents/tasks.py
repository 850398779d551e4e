from celery import shared_task

from agents import services


@shared_task(name="agents.escalate_overdue_requests", acks_late=True)
def escalate_overdue_requests_task() -> int:
    """Periodic: pending requests undecided past the set time go to the next level."""
    return services.escalate_overdue_requests()
