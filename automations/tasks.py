from celery import shared_task

from automations import timed


@shared_task(name="automations.run_time_rules", acks_late=True)
def run_time_rules() -> int:
    return timed.run_time_rules()
