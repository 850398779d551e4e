from celery import shared_task

from insights import metrics


@shared_task(name="insights.snapshot_backlog", acks_late=True)
def snapshot_backlog() -> int:
    """Hourly (beat): each queue's open and pending tickets, for the backlog report."""
    return metrics.snapshot_backlog()
