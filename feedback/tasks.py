"""Thin tasks with stable names; each calls a service that claims its rows, so redelivery is harmless."""

from celery import shared_task

from feedback import services


@shared_task(name="feedback.send_surveys", acks_late=True)
def send_surveys_task(survey_ids: list[int]) -> int:
    return services.send_surveys(survey_ids=survey_ids)


@shared_task(name="feedback.send_survey", acks_late=True)
def send_survey_task(survey_id: int) -> bool:
    return services.send_surveys(survey_ids=[survey_id]) == 1


@shared_task(name="feedback.sweep_surveys", acks_late=True)
def sweep_surveys_task() -> dict:
    return services.sweep_surveys()
