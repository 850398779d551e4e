from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_ids: list[str]) -> dict[str, str]:
    return services.attempt_deliveries(delivery_ids=list(delivery_ids))


@shared_task(name="webhooks.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    return services.sweep()
