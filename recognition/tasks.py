"""Thin Celery tasks: each calls one idempotent service."""

from celery import shared_task

from recognition import services
from recognition.quarters import Quarter


@shared_task(name="recognition.prepare_due_reviews", acks_late=True)
def prepare_due_reviews_task() -> dict:
    return services.prepare_due_reviews()


@shared_task(name="recognition.prepare_reviews", acks_late=True)
def prepare_reviews_task(quarter: str) -> dict:
    return services.prepare_reviews(quarter=Quarter.parse(quarter))


@shared_task(name="recognition.detect_milestones", acks_late=True)
def detect_milestones_task() -> int:
    return services.detect_milestones()
