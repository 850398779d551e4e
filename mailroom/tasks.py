from celery import shared_task

from mailroom import services


@shared_task(name="mailroom.send_outbound", bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS)
def send_outbound_task(self, outbound_id: int) -> bool:
    try:
        return services.send_outbound(outbound_id=outbound_id)
    except services.TransientSendError as exc:
        raise self.retry(countdown=exc.retry_in.total_seconds(), exc=exc) from None


@shared_task(name="mailroom.sweep_outbound", acks_late=True)
def sweep_outbound_task() -> int:
    return services.sweep_outbound()
