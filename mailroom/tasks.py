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


@shared_task(name="mailroom.poll_imap", acks_late=True, ignore_result=True)
def poll_imap_task() -> int:
    """Ingest new mail from IMAP_URL (nothing to do without it). One poll at a time, by a cache lock."""
    from django.conf import settings
    from django.core.cache import cache

    from mailroom.imap import poll_mailbox

    if not settings.IMAP_URL:
        return 0
    if not cache.add("mailroom:poll_imap:lock", 1, timeout=300):
        return 0
    try:
        return poll_mailbox().fetched
    finally:
        cache.delete("mailroom:poll_imap:lock")
