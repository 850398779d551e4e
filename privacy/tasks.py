from celery import shared_task

from privacy import services


@shared_task(name="privacy.purge_expired_attachments", acks_late=True)
def purge_expired_attachments() -> dict:
    """Daily: the retention rule (ATTACHMENT_RETENTION_DAYS; off at 0)."""
    return services.purge_expired_attachments()
