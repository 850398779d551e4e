"""Every write to a survey: scheduling on solve, sending, reminding, answering, opting out.

Each service is atomic, records its event on the ticket's history, and queues its side effects
after commit. Sending is idempotent: a survey is claimed with a conditional UPDATE in the same
transaction that stores its e-mail, so two workers (or the sweeper and an ETA task) never both send it,
and a worker that dies mid-way rolls back and leaves it for the sweeper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agents.models import ActionStatus, OffscriptAction
from feedback import freshness, selectors
from feedback.models import (
    LOW_RATINGS,
    LowReason,
    NoticeKind,
    Survey,
    SurveyOptOut,
    SurveyStatus,
    Trigger,
)
from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from mailroom.models import OutboundKind
from mailroom.rendering import render_email
from mailroom.services import queue_email, send_outbound_batch
from notices.models import Notice
from notices.services import mark_read_of_kind, notify, target_of
from tickets.events import record_many
from tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent
from tickets.services import add_message, record_customer_change, record_event

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 random bits in every link
SEND_BATCH = 100  # surveys per task: one SMTP connection for all their e-mails
SWEEP_LIMIT = 10_000  # due surveys handed to the broker per sweep
REMINDER_BATCH = 500
CLOCK_SKEW = dt.timedelta(seconds=2)  # an ETA task may fire a hair before due_at
COMMENT_MAX = 4000

_random = random.Random()


class SurveyUnavailable(DomainError):
    status = 404


class SurveyExpired(DomainError):
    status = 410


# --- tokens ---------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh link token and its hash; only the hash is stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def survey_url(token: str, *, rating: int | None = None) -> str:
    url = f"{settings.SITE_URL}/survey/{token}/"
    return f"{url}?rating={rating}" if rating else url


# --- scheduling -----------------------------------------------------------------------------------


class _PendingSends:
    """The surveys one transaction scheduled; published as batch tasks once, when it commits."""

    def __init__(self) -> None:
        self.by_delay: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)

    def __call__(self) -> None:
        for items in self.by_delay.values():
            for start in range(0, len(items), SEND_BATCH):
                chunk = items[start : start + SEND_BATCH]
                publish_send([survey_id for survey_id, _due in chunk], eta=max(due for _id, due in chunk))


def _send_after_commit(survey: Survey, delay_seconds: int) -> None:
    # One callback per transaction, not per survey: solving 20,000 tickets at once publishes 200 tasks.
    connection = transaction.get_connection()
    pending = None
    if connection.in_atomic_block:
        pending = next((f for _sids, f, _robust in connection.run_on_commit if isinstance(f, _PendingSends)), None)
    if pending is None:
        pending = _PendingSends()
        pending.by_delay[delay_seconds].append((survey.pk, survey.due_at))
        transaction.on_commit(pending)
    else:
        pending.by_delay[delay_seconds].append((survey.pk, survey.due_at))


def publish_send(survey_ids: list[int], *, eta: dt.datetime | None = None) -> bool:
    """Hand surveys to the broker. A broker that is down loses nothing: they stay due for the sweeper."""
    from feedback.tasks import send_surveys_task

    try:
        send_surveys_task.apply_async((survey_ids,), eta=eta)
    except Exception:  # noqa: BLE001 - any broker failure; the rows stay scheduled for the sweeper
        logger.warning("Broker unavailable; %s survey(s) left for the sweeper", len(survey_ids), exc_info=True)
        Survey.objects.filter(pk__in=survey_ids, status=SurveyStatus.SCHEDULED).update(enqueued_at=None)
        return False
    # In flight: the sweeper leaves them alone until a while after they were due.
    Survey.objects.filter(pk__in=survey_ids, status=SurveyStatus.SCHEDULED).update(enqueued_at=eta or timezone.now())
    return True


@transaction.atomic
def schedule_survey(*, ticket: Ticket, by: User | None = None, trigger: str = Trigger.SOLVED) -> Survey | None:
    """One survey per solve, due after the queue's delay, unless the queue, sampling, an opt-out or a recent survey say no."""
    return schedule_surveys(tickets=[ticket], by=by, trigger=trigger)[0]


@transaction.atomic
def schedule_surveys(*, tickets: list[Ticket], by: User | None = None, trigger: str = Trigger.SOLVED) -> list:
    """schedule_survey for many tickets solved at once (a bulk change), in their order, so a customer's second
    ticket sees the survey just scheduled for the first; each read is one query for all, the surveys one
    INSERT and their history rows another. Returns each ticket's survey (None where the queue takes none)."""
    from django.db.models import prefetch_related_objects

    configs: dict = {}
    for ticket in tickets:
        if ticket.queue_id not in configs:
            configs[ticket.queue_id] = selectors.settings_for_queue(ticket.queue)
    due = [t for t in tickets if configs[t.queue_id].enabled and configs[t.queue_id].trigger == trigger]
    results: dict[int, Survey] = {}
    if not due:
        return [None] * len(tickets)
    for survey in Survey.objects.filter(ticket_id__in=[t.pk for t in due], status=SurveyStatus.SCHEDULED):
        results.setdefault(survey.ticket_id, survey)  # the model's order: the latest solve first
    due = [t for t in due if t.pk not in results]
    prefetch_related_objects(due, "customer")
    now = timezone.now()
    customer_ids = {t.customer_id for t in due}
    opted_out = set(SurveyOptOut.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True))
    exclusion = max((configs[t.queue_id].exclusion_days or 0 for t in due), default=0)
    recent: dict[int, list] = defaultdict(list)  # customer -> (sent_at, status) of surveys that may count
    if exclusion:
        since = now - dt.timedelta(days=exclusion)
        rows = Survey.objects.filter(customer_id__in=customer_ids).filter(
            Q(sent_at__gte=since) | Q(status=SurveyStatus.SCHEDULED)
        )
        for customer_id, sent_at, status in rows.order_by().values_list("customer_id", "sent_at", "status"):
            recent[customer_id].append((sent_at, status))
    new = []
    for ticket in due:
        cfg = configs[ticket.queue_id]
        reason = _skip_reason(ticket, cfg, now, opted_out=opted_out, recent=recent[ticket.customer_id])
        survey = Survey.of_ticket(
            ticket,
            status=SurveyStatus.SKIPPED if reason else SurveyStatus.SCHEDULED,
            skip_reason=reason,
            solved_at=ticket.solved_at or now,
            due_at=now + dt.timedelta(seconds=cfg.effective_delay_seconds()),
        )
        if not reason:
            recent[ticket.customer_id].append((None, SurveyStatus.SCHEDULED))
        new.append(survey)
        results[ticket.pk] = survey
    # One INSERT: a new survey has not been sent, so the post_save that touches its sent day has nothing to do.
    Survey.objects.bulk_create(new)
    record_many(
        [
            TicketEvent(
                ticket=survey.ticket,
                actor=by,
                kind=EventKind.SURVEY,
                new_value=survey.status,
                data={"survey": survey.pk, "due_at": survey.due_at.isoformat(), "skip_reason": survey.skip_reason},
            )
            for survey in new
        ]
    )
    for survey in new:
        delay = configs[survey.ticket.queue_id].effective_delay_seconds()
        # Short delays get an ETA task for precision; long ones are the sweeper's (an ETA beyond the
        # broker's visibility timeout would be redelivered over and over).
        if not survey.skip_reason and delay <= settings.SURVEY_ETA_MAX_SECONDS:
            _send_after_commit(survey, delay)
    return [results.get(t.pk) for t in tickets]


def _skip_reason(ticket: Ticket, cfg, now: dt.datetime, *, opted_out: set[int], recent: list) -> str:
    if ticket.customer_id in opted_out:
        return "opted_out"
    if cfg.exclusion_days:
        since = now - dt.timedelta(days=cfg.exclusion_days)
        if any(status == SurveyStatus.SCHEDULED or (sent_at and sent_at >= since) for sent_at, status in recent):
            return "recently_surveyed"
    if cfg.sampling_percent < 100 and _random.random() * 100 >= cfg.sampling_percent:
        return "sampled_out"
    return ""


@transaction.atomic
def cancel_pending_surveys(*, ticket: Ticket, by: User | None = None) -> int:
    """A ticket that reopens before its survey went out gets no survey for that solve."""
    return cancel_pending_surveys_of(tickets=[ticket], by=by)


def _report_fields() -> dict:
    """What a survey copies from its ticket for the reports, as expressions over the source tables."""
    return {
        "channel": Subquery(Ticket.objects.filter(pk=OuterRef("ticket_id")).values("channel")[:1]),
        "offscript": Exists(
            OffscriptAction.objects.filter(ticket_id=OuterRef("ticket_id"), status=ActionStatus.APPROVED)
        ),
        # The solve this survey is about did not hold: the ticket went from solved back to open after it.
        "reopened_after_solve": Exists(
            TicketEvent.objects.filter(
                ticket_id=OuterRef("ticket_id"),
                kind=EventKind.STATUS,
                old_value=Status.SOLVED,
                new_value__in=list(OPEN_STATUSES),
                created_at__gte=OuterRef("solved_at"),
            )
        ),
    }


def refresh_report_fields(*, ticket_ids: Iterable[int] | None = None) -> int:
    """A survey carries what the reports count about its ticket — the ticket's channel, whether it has an
    approved off-script action, whether it reopened after this solve — recomputed here from the tickets, the
    actions and the history whenever one of them changes (feedback.hooks), inside that change; cached reports
    holding a survey that changed recompute. None: every survey (after a bulk load). Returns how many changed."""
    surveys = Survey.objects.all()
    if ticket_ids is not None:
        ids = [i for i in ticket_ids if i is not None]
        if not ids:
            return 0
        surveys = surveys.filter(ticket_id__in=ids)
    fields = _report_fields()
    stale = surveys.annotate(**{f"now_{name}": value for name, value in fields.items()}).exclude(
        **{name: F(f"now_{name}") for name in fields}
    )
    changed = list(stale.values_list("pk", "sent_at"))
    if not changed:
        return 0
    Survey.objects.filter(pk__in=[pk for pk, _sent in changed]).update(**_report_fields())
    freshness.touch(sent for _pk, sent in changed)
    return len(changed)


@transaction.atomic
def cancel_pending_surveys_of(*, tickets: list[Ticket], by: User | None = None) -> int:
    """cancel_pending_surveys for many tickets reopened at once (a bulk change): one history row per ticket
    whose survey was cancelled."""
    scheduled = Survey.objects.filter(ticket_id__in=[t.pk for t in tickets], status=SurveyStatus.SCHEDULED)
    pairs = dict(scheduled.order_by().values_list("pk", "ticket_id"))
    if not pairs:
        return 0
    cancelled = Survey.objects.filter(pk__in=list(pairs), status=SurveyStatus.SCHEDULED).update(
        status=SurveyStatus.CANCELLED, skip_reason="reopened"
    )
    if cancelled < len(pairs):  # a sender claimed some meanwhile: only the tickets whose survey this cancelled
        done = Survey.objects.filter(pk__in=list(pairs), status=SurveyStatus.CANCELLED, skip_reason="reopened")
        pairs = {pk: pairs[pk] for pk in done.values_list("pk", flat=True)}
    hit = set(pairs.values())
    record_many(
        [
            TicketEvent(
                ticket=ticket,
                actor=by,
                kind=EventKind.SURVEY,
                old_value=SurveyStatus.SCHEDULED,
                new_value=SurveyStatus.CANCELLED,
            )
            for ticket in tickets
            if ticket.pk in hit
        ]
    )
    return cancelled


# --- sending --------------------------------------------------------------------------------------


def _agent_name(survey: Survey) -> str:
    if survey.agent is None:
        return ""
    return survey.agent.first_name or survey.agent.get_full_name() or survey.agent.get_username()


def _email_context(survey: Survey, token: str) -> dict:
    return {
        "survey": survey,
        "ticket": survey.ticket,
        "customer_name": survey.customer.name,
        "agent_name": _agent_name(survey),
        "ratings": [{"value": n, "url": survey_url(token, rating=n)} for n in (5, 4, 3, 2, 1)],
        "survey_url": survey_url(token),
        "unsubscribe_url": f"{settings.SITE_URL}/survey/{token}/unsubscribe/",
        "expires_at": survey.expires_at,
    }


def _queue_survey_email(survey: Survey, token: str, *, name: str, kind: str, enqueue_mail: bool):
    subject, text, html = render_email(name, _email_context(survey, token), language=survey.language)
    return queue_email(
        to=survey.customer.email,
        subject=subject,
        body_text=text,
        body_html=html,
        kind=kind,
        language=survey.language,
        ticket=survey.ticket,
        headers={
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{settings.SITE_URL}/survey/{token}/unsubscribe/>",
        },
        enqueue=enqueue_mail,
        secrets=[token],
    )


def send_survey(*, survey_id: int, enqueue_mail: bool = True) -> Survey | None:
    """Send a due survey exactly once. Returns it when this call sent it, None when it was not due,
    already taken or skipped. enqueue_mail=False leaves the e-mail for the caller (see `send_surveys`)."""
    sent = _claim_and_queue([survey_id], enqueue_mail=enqueue_mail)
    return sent[0] if sent else None


@transaction.atomic
def _claim_and_queue(survey_ids: list[int], *, enqueue_mail: bool) -> list[Survey]:
    """Claim due surveys, issue their tokens and store their e-mails, all in one transaction: a worker
    that dies half-way rolls back and leaves every one of them due for the sweeper, none half-sent."""
    now = timezone.now()
    # Rows another worker is sending right now are skipped, not waited for.
    ids = list(
        Survey.objects.select_for_update(skip_locked=True)
        .filter(pk__in=survey_ids, status=SurveyStatus.SCHEDULED, due_at__lte=now + CLOCK_SKEW)
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    Survey.objects.filter(pk__in=ids, status=SurveyStatus.SCHEDULED).update(status=SurveyStatus.SENT, sent_at=now)
    freshness.touch([now])  # the day's cohort grows: cached reports holding it recompute
    surveys = list(
        Survey.objects.filter(pk__in=ids)
        .select_related("ticket", "customer", "agent", "queue__survey_settings")
        .order_by("pk")
    )
    opted_out = set(
        SurveyOptOut.objects.filter(customer_id__in={s.customer_id for s in surveys}).values_list(
            "customer_id", flat=True
        )
    )
    if opted_out:
        Survey.objects.filter(pk__in=[s.pk for s in surveys if s.customer_id in opted_out]).update(
            status=SurveyStatus.SKIPPED, skip_reason="opted_out", sent_at=None
        )
    sent, events = [], []
    for survey in surveys:
        if survey.customer_id in opted_out:
            continue
        cfg = selectors.settings_for_queue(survey.queue)
        token, survey.token_hash = new_token()
        survey.sent_at = now
        survey.expires_at = now + dt.timedelta(days=settings.SURVEY_TOKEN_DAYS)
        survey.reminder_due_at = now + dt.timedelta(days=cfg.reminder_after_days) if cfg.reminder_enabled else None
        survey.outbound = _queue_survey_email(
            survey, token, name="survey", kind=OutboundKind.SURVEY, enqueue_mail=enqueue_mail
        )
        events.append(
            TicketEvent(
                ticket_id=survey.ticket_id,
                kind=EventKind.SURVEY,
                new_value=SurveyStatus.SENT,
                data={"survey": survey.pk},
            )
        )
        sent.append(survey)
    Survey.objects.bulk_update(sent, ["token_hash", "expires_at", "reminder_due_at", "outbound"])
    # Before any report counts them: what they copy from their tickets, as it is now (a survey scheduled by
    # code older than those columns has none; an action may have been decided since the solve).
    refresh_report_fields(ticket_ids={s.ticket_id for s in sent})
    record_many(events)
    return sent


def in_flight_window() -> dt.timedelta:
    """A survey handed to the broker and still unclaimed after this is handed over again: a worker that
    died holding it must not delay the customer's e-mail for long (settings.SURVEY_IN_FLIGHT_SECONDS,
    which follows from EMAIL_TIMEOUT like the outbound stuck window)."""
    return dt.timedelta(seconds=settings.SURVEY_IN_FLIGHT_SECONDS)


def send_surveys(*, survey_ids: Iterable[int]) -> int:
    """Send a batch of due surveys, claimed together, their e-mails over one SMTP connection."""
    survey_ids = list(survey_ids)
    outbound_ids = []
    for start in range(0, len(survey_ids), SEND_BATCH):
        chunk = survey_ids[start : start + SEND_BATCH]
        try:
            outbound_ids += [s.outbound_id for s in _claim_and_queue(chunk, enqueue_mail=False)]
        except Exception:  # a broken batch must not hold back the next; it stays due for the sweeper
            logger.exception("Could not send surveys %s…; left for the sweeper", chunk[:5])
    if outbound_ids:
        send_outbound_batch(outbound_ids=outbound_ids)
    return len(outbound_ids)


def send_reminder(*, survey_id: int, enqueue_mail: bool = True) -> Survey | None:
    """Once, after the queue's reminder delay, if still unanswered and unexpired: the same survey, a new link."""
    with transaction.atomic():
        now = timezone.now()
        claimed = Survey.objects.filter(
            pk=survey_id,
            status=SurveyStatus.SENT,
            reminder_sent_at__isnull=True,
            reminder_due_at__lte=now,
            expires_at__gt=now,
        ).update(reminder_sent_at=now)
        if not claimed:
            return None
        survey = Survey.objects.select_related("ticket", "customer", "agent", "queue").get(pk=survey_id)
        if SurveyOptOut.objects.filter(customer_id=survey.customer_id).exists():
            return None
        token, token_hash = new_token()
        survey.reminder_token_hash = token_hash
        survey.reminder_outbound = _queue_survey_email(
            survey, token, name="survey-reminder", kind=OutboundKind.SURVEY_REMINDER, enqueue_mail=enqueue_mail
        )
        survey.save(update_fields=["reminder_token_hash", "reminder_outbound"])
        record_event(ticket=survey.ticket, by=None, kind=EventKind.SURVEY, new="reminded", data={"survey": survey.pk})
    return survey


def send_reminders(*, survey_ids: Iterable[int]) -> int:
    outbound_ids = []
    for survey_id in survey_ids:
        try:
            survey = send_reminder(survey_id=survey_id, enqueue_mail=False)
        except Exception:
            logger.exception("Could not send the reminder of survey %s", survey_id)
            continue
        if survey is not None:
            outbound_ids.append(survey.reminder_outbound_id)
    if outbound_ids:
        send_outbound_batch(outbound_ids=outbound_ids)
    return len(outbound_ids)


def sweep_surveys(*, now: dt.datetime | None = None) -> dict:
    """The schedule lives in the database: hand what is due (and not already in flight) to the workers,
    and send the reminders that are due. Runs every PERIODIC_TASKS interval."""
    now = now or timezone.now()
    due = list(
        Survey.objects.filter(status=SurveyStatus.SCHEDULED, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - in_flight_window()))
        .order_by("due_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    published = 0
    for start in range(0, len(due), SEND_BATCH):
        chunk = due[start : start + SEND_BATCH]
        if publish_send(chunk):
            published += len(chunk)
    reminders = list(
        Survey.objects.filter(
            status=SurveyStatus.SENT, reminder_sent_at__isnull=True, reminder_due_at__lte=now, expires_at__gt=now
        )
        .order_by("reminder_due_at")
        .values_list("pk", flat=True)[:REMINDER_BATCH]
    )
    reminded = send_reminders(survey_ids=reminders) if reminders else 0
    return {"due": len(due), "published": published, "reminded": reminded}


# --- answers --------------------------------------------------------------------------------------


def _clean_answer(rating, comment: str, reason: str) -> tuple[int, str, str]:
    if isinstance(rating, str) and is_id(rating.strip()):
        rating = int(rating)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("Please keep the comment under %(n)s characters.") % {"n": COMMENT_MAX}, field="comment")
    reason = (reason or "").strip()
    if reason and reason not in LowReason.values:
        raise DomainError(_("Choose one of the reasons offered."), field="reason")
    # A reason only means something for a low rating; a changed answer drops a stale one.
    return rating, comment, reason if rating in LOW_RATINGS else ""


def record_answer(*, survey: Survey, rating: int | str | None, comment: str = "", reason: str = "") -> Survey:
    """The customer answers (or changes their answer) until the link expires; a new low rating opens a recovery."""
    rating, comment, reason = _clean_answer(rating, comment, reason)
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("ticket", "agent", "department")
            .get(pk=survey.pk)
        )
        now = timezone.now()
        if survey.status not in (SurveyStatus.SENT, SurveyStatus.ANSWERED):
            raise SurveyUnavailable(_("This survey is not open for answers."), field="rating")
        if survey.is_expired(now):
            raise SurveyExpired(_("This survey has expired."), field="rating")
        was_low = survey.is_low
        old_rating = survey.rating
        survey.rating, survey.comment, survey.low_reason = rating, comment, reason
        survey.status = SurveyStatus.ANSWERED
        survey.answered_at = now
        survey.answer_count += 1
        survey.save(update_fields=["rating", "comment", "low_reason", "status", "answered_at", "answer_count"])
        record_event(
            ticket=survey.ticket,
            by=None,
            kind=EventKind.SURVEY,
            old=str(old_rating or ""),
            new=str(rating),
            data={"survey": survey.pk, "rating": rating, "reason": reason, "changed": old_rating is not None},
        )
        if survey.agent_id:
            _notify(survey.agent, survey, NoticeKind.ANSWER)
        if survey.is_low and not was_low:
            _open_recovery(survey, now)
    return survey


def _notify(user, survey: Survey, kind: str) -> None:
    # One notice per person and survey; a changed answer replaces it (unread again).
    Notice.objects.filter(user=user, kind=kind, target=target_of(survey)).delete()
    notify(
        user=user,
        kind=kind,
        target=survey,
        params={
            "survey": survey.pk,
            "ticket": survey.ticket_id,
            "ref": survey.ticket.reference,
            "rating": survey.rating,
        },
    )


def _staff_language(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.language if profile else "") or settings.LANGUAGE_CODE


def _open_recovery(survey: Survey, now: dt.datetime) -> None:
    """A low rating: the department lead hears of it (in the app and by e-mail) and the ticket gets a follow-up note."""
    lead = survey.department.lead
    if lead is not None:
        # In the app, and by e-mail unless the lead turned that off (feedback.hooks: the e-mail copy).
        _notify(lead, survey, NoticeKind.LOW_RATING)
    with translation.override(_staff_language(lead) if lead else settings.LANGUAGE_CODE):
        note = _("Recovery follow-up: the customer rated this ticket %(rating)s/5.") % {"rating": survey.rating}
        if survey.low_reason:
            note += " " + _("Reason: %(reason)s.") % {"reason": LowReason(survey.low_reason).label}
        if survey.comment:
            note += " " + _("Comment: “%(comment)s”") % {"comment": survey.comment}
        note += "\n" + _("Contact the customer, put it right within your discretion, and note what you did here.")
    add_message(ticket=survey.ticket, by=None, body=note, internal=True)


@transaction.atomic
def opt_out(*, survey: Survey) -> SurveyOptOut:
    """The unsubscribe link: no more surveys for this customer; ones not yet sent are skipped."""
    opt, created = SurveyOptOut.objects.get_or_create(customer_id=survey.customer_id, defaults={"survey": survey})
    skipped = Survey.objects.filter(customer_id=survey.customer_id, status=SurveyStatus.SCHEDULED)
    skipped_tickets = list(skipped.values_list("ticket_id", flat=True))
    skipped.update(status=SurveyStatus.SKIPPED, skip_reason="opted_out")
    if created:
        record_customer_change(
            customer=survey.customer, by=None, kind=EventKind.CUSTOMER, changes={"survey_opt_out": [False, True]}
        )
    now = timezone.now()
    record_many(
        [
            TicketEvent(
                ticket_id=pk,
                kind=EventKind.SURVEY,
                old_value=SurveyStatus.SCHEDULED,
                new_value=SurveyStatus.SKIPPED,
                data={"skip_reason": "opted_out"},
                created_at=now,
            )
            for pk in skipped_tickets
        ]
    )
    return opt


@transaction.atomic
def mark_notices_read(*, user: User) -> int:
    """The person's survey notices are read ("mark all as read" on My feedback)."""
    return mark_read_of_kind(user=user, prefix="survey.")
