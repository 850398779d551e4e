"""Installs `helpdesk.celery.PERIODIC_TASKS` into django-celery-beat's tables after every migrate."""

from django.db import transaction


def install_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from helpdesk.celery import PERIODIC_TASKS

    with transaction.atomic():
        for name, (task, seconds) in PERIODIC_TASKS.items():
            interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
            PeriodicTask.objects.update_or_create(
                name=name, defaults={"task": task, "interval": interval, "enabled": True}
            )
