"""Demo surveys (idempotent): most solved demo tickets got a survey an hour after solving; about half of
the customers answered, mostly happily, in their own language; a few low ratings carry a reason.
Runs after demo/tickets.py; with no tickets it creates nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from feedback.models import LowReason, NoticeKind, Survey, SurveySettings, SurveyStatus
from feedback.services import new_token, refresh_report_fields
from notices.models import Notice
from notices.services import target_of
from tickets.models import Queue, Status, Ticket

RANDOM_SEED = 5
SURVEYED_SHARE = 0.85
ANSWERED_SHARE = 0.55
RATING_WEIGHTS = {5: 46, 4: 28, 3: 11, 2: 8, 1: 7}

COMMENTS = {
    "en": {
        "high": [
            "Quick and friendly, thank you!",
            "Sorted in one reply. Great service.",
            "Really appreciated the clear explanation.",
            "",
            "",
        ],
        "mid": ["Fine in the end, but it took a while.", "OK, though I had to explain twice.", ""],
        "low": [
            "I waited four days for an answer.",
            "The problem is still there.",
            "Nobody read my first message properly.",
        ],
    },
    "pt": {
        "high": ["Rápido e simpático, obrigado!", "Resolvido à primeira. Excelente atendimento.", "", ""],
        "mid": ["Resolveu-se, mas demorou algum tempo.", "Correu bem, mas tive de explicar duas vezes.", ""],
        "low": ["Esperei quatro dias por uma resposta.", "O problema continua por resolver."],
    },
    "pt-br": {
        "high": ["Atendimento rápido e muito educado, valeu!", "Resolveram na primeira resposta. Ótimo!", "", ""],
        "mid": ["Deu certo, mas demorou um pouco.", "Tudo bem, só precisei explicar duas vezes.", ""],
        "low": ["Esperei quatro dias por uma resposta.", "O problema continua igual."],
    },
    "el": {
        "high": ["Γρήγορη και ευγενική εξυπηρέτηση, ευχαριστώ!", "Λύθηκε με την πρώτη απάντηση. Τέλεια.", "", ""],
        "mid": ["Λύθηκε τελικά, αλλά άργησε λίγο.", "Εντάξει, αλλά χρειάστηκε να το εξηγήσω δύο φορές.", ""],
        "low": ["Περίμενα τέσσερις μέρες για απάντηση.", "Το πρόβλημα παραμένει."],
    },
    "sr-latn": {
        "high": ["Brzo i ljubazno, hvala!", "Rešeno iz prvog odgovora. Odlično.", "", ""],
        "mid": ["Na kraju je rešeno, ali je potrajalo.", "U redu, ali sam morao dvaput da objašnjavam.", ""],
        "low": ["Čekao sam četiri dana na odgovor.", "Problem i dalje postoji."],
    },
}
LOW_REASON_WEIGHTS = {
    LowReason.WAIT: 40,
    LowReason.OUTCOME: 30,
    LowReason.COMPETENCE: 12,
    LowReason.POLITENESS: 6,
    LowReason.OTHER: 12,
}


def seed(stdout) -> None:
    solved = Ticket.objects.filter(status__in=[Status.SOLVED, Status.CLOSED], solved_at__isnull=False)
    if not solved.exists():
        stdout.write("feedback: no solved tickets; no demo surveys created")
        return
    _settings()
    if Survey.objects.filter(ticket__in=solved).exists():
        stdout.write("feedback: demo surveys already present, left as they are.")
        return
    rng = random.Random(RANDOM_SEED)
    now = timezone.now()
    surveys = []
    for ticket in solved.select_related("queue", "customer").order_by("pk"):
        if ticket.assignee_id is None or rng.random() > SURVEYED_SHARE:
            continue
        surveys.append(_survey(rng, ticket, now))
    Survey.objects.bulk_create(surveys, batch_size=500)
    refresh_report_fields()  # the demo's actions and reopenings were loaded before these surveys
    recent = now - dt.timedelta(days=14)
    Notice.objects.bulk_create(
        [
            Notice(
                user_id=s.agent_id,
                kind=NoticeKind.ANSWER,
                target=target_of(s),
                params={"survey": s.pk, "ticket": s.ticket_id, "ref": f"LAT-{s.ticket_id:06d}", "rating": s.rating},
                created_at=s.answered_at,
                read_at=None if s.answered_at >= recent else s.answered_at + dt.timedelta(hours=2),
            )
            for s in Survey.objects.filter(status=SurveyStatus.ANSWERED, agent__isnull=False)
        ],
        batch_size=500,
    )
    answered = sum(1 for s in surveys if s.rating)
    low = sum(1 for s in surveys if s.rating and s.rating <= 2)
    stdout.write(f"feedback: {len(surveys)} surveys, {answered} answered ({low} low ratings).")


def _settings() -> None:
    for queue in Queue.objects.all():
        SurveySettings.objects.get_or_create(queue=queue, defaults={"reminder_after_days": 3})


def _survey(rng: random.Random, ticket: Ticket, now: dt.datetime) -> Survey:
    sent_at = ticket.solved_at + dt.timedelta(seconds=settings.SURVEY_DELAY_SECONDS)
    survey = Survey.of_ticket(
        ticket,
        status=SurveyStatus.SENT,
        solved_at=ticket.solved_at,
        due_at=sent_at,
        sent_at=sent_at if sent_at <= now else None,
        token_hash=new_token()[1],  # the demo's links were never e-mailed: a hash no token matches
        expires_at=sent_at + dt.timedelta(days=settings.SURVEY_TOKEN_DAYS),
        created_at=ticket.solved_at,
    )
    if survey.sent_at is None:  # solved within the last hour: still to go out
        survey.status, survey.token_hash, survey.expires_at = SurveyStatus.SCHEDULED, None, None
        return survey
    answered_after = dt.timedelta(minutes=rng.randint(5, 3 * 24 * 60))
    if rng.random() < ANSWERED_SHARE and sent_at + answered_after <= now:
        rating = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0]
        band = "high" if rating >= 4 else "mid" if rating == 3 else "low"
        comments = COMMENTS.get(survey.language, COMMENTS["en"])[band]
        survey.status = SurveyStatus.ANSWERED
        survey.rating = rating
        survey.comment = rng.choice(comments)
        survey.answered_at = sent_at + answered_after
        survey.answer_count = 1
        if rating <= 2:
            survey.low_reason = rng.choices(list(LOW_REASON_WEIGHTS), weights=list(LOW_REASON_WEIGHTS.values()))[0]
    elif sent_at + dt.timedelta(days=3) <= now:
        survey.reminder_sent_at = sent_at + dt.timedelta(days=3)
    return survey
