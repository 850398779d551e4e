"""Writes among colleagues: one function per verb, atomic, validated with DomainError.

In-app notices (`notices.notify`) are written in the same transaction as what they announce, so a
kudos and its notice exist together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from insights import stats
from notices import services as notices
from notices.models import Acknowledgement, Notice
from recognition import access, hooks, selectors
from recognition.models import (
    NOTICE_PREFIXES,
    Announcement,
    AnnouncementKind,
    AnnouncementRead,
    Answer,
    CelebrationPreference,
    Comment,
    InternalSurvey,
    Kudos,
    KudosSource,
    KudosValue,
    Milestone,
    MilestoneKind,
    Reaction,
    ReactionKind,
    Review,
    Tone,
    Visibility,
)
from recognition.quarters import Quarter
from tickets.access import can_view_ticket, department_id_of, is_staff_member
from tickets.html import sanitize_html
from tickets.models import Channel, EventKind, Priority, Queue, Role, Ticket
from tickets.services import record_event

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from feedback.models import Survey

logger = logging.getLogger(__name__)
User = get_user_model()

MESSAGE_MAX = 2000
COMMENT_MAX = 1000
SOLVED_MILESTONE = 100
MILESTONE_LOOKBACK_DAYS = 7
PRAISE_VALUE_SLUG = "customer-hero"


def display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def notify(*, user: User, kind: str, target: Model | None = None, **params) -> Notice:
    """A colleague notice (a `notices.Notice` whose kind recognition.hooks registers and renders)."""
    return notices.notify(user=user, kind=kind, target=target, params=params)


# --- kudos -------------------------------------------------------------------------------------


@transaction.atomic
def give_kudos(
    *,
    giver: User,
    recipient: User,
    message: str,
    value: KudosValue | None = None,
    ticket: Ticket | None = None,
    survey_pk: int | None = None,
    visibility: str = Visibility.EVERYONE,
    points: int = 0,
    source: str = KudosSource.COLLEAGUE,
) -> Kudos:
    """A colleague thanks another, never themselves; points come from the giver's monthly allowance."""
    message = (message or "").strip()
    if recipient is None:
        raise DomainError(_("Choose a colleague."), field="recipient")
    if recipient.pk == giver.pk:
        raise DomainError(_("Kudos are for colleagues, not for oneself."), field="recipient")
    if not recipient.is_active or not is_staff_member(recipient):
        raise DomainError(_("%(name)s is not a colleague here.") % {"name": recipient}, field="recipient")
    if not message:
        raise DomainError(_("Write a few words: what did they do?"), field="message")
    if len(message) > MESSAGE_MAX:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": MESSAGE_MAX}, field="message")
    if value is not None and not value.active:
        raise DomainError(_("“%(v)s” is no longer offered.") % {"v": value}, field="value")
    if visibility not in Visibility.values:
        raise DomainError(_("Unknown visibility “%(v)s”.") % {"v": visibility}, field="visibility")
    if ticket is not None and not can_view_ticket(giver, ticket):
        raise DomainError(_("No such ticket."), field="ticket")
    points = int(points or 0)
    if points < 0:
        raise DomainError(_("Points cannot be negative."), field="points")
    if points:
        # Serialise one giver's spending so two kudos at once cannot overdraw the allowance.
        User.objects.select_for_update().filter(pk=giver.pk).first()
        left = selectors.points_left(giver)
        if left is None:
            raise DomainError(_("The company does not use points."), field="points")
        if points > left:
            raise DomainError(
                _("You have %(left)s points left this month.") % {"left": left},
                field="points",
            )
    try:
        with transaction.atomic():
            kudos = Kudos.objects.create(
                giver=giver,
                recipient=recipient,
                message=message,
                value=value,
                ticket=ticket,
                survey_pk=survey_pk,
                visibility=visibility,
                points=points,
                source=source,
            )
    except IntegrityError:
        raise DomainError(_("This customer's praise has already been shared."), field="survey") from None
    notify(
        user=recipient,
        kind="kudos.received",
        target=kudos,
        kudos=kudos.pk,
        giver=display_name(giver),
        message=message[:150],
    )
    transaction.on_commit(partial(hooks.kudos_given.send, sender=Kudos, kudos=kudos))
    return kudos


@transaction.atomic
def toggle_reaction(*, kudos: Kudos, user: User, kind: str) -> bool:
    """React to a kudos, or take the reaction back; returns whether it is now there."""
    if kind not in ReactionKind.values:
        raise DomainError(_("Unknown reaction."), field="kind")
    deleted, _rows = Reaction.objects.filter(kudos=kudos, user=user, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(kudos=kudos, user=user, kind=kind)
    return True


@transaction.atomic
def comment_on_kudos(*, kudos: Kudos, author: User, body: str) -> Comment:
    """A comment under a kudos; the recipient and the giver hear of it (not the author)."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("The comment is empty."), field="body")
    if len(body) > COMMENT_MAX:
        raise DomainError(_("Keep it under %(n)s characters.") % {"n": COMMENT_MAX}, field="body")
    comment = Comment.objects.create(kudos=kudos, author=author, body=body)
    for person in {kudos.recipient, kudos.giver}:
        if person.pk != author.pk:
            notify(
                user=person,
                kind="kudos.comment",
                target=kudos,
                kudos=kudos.pk,
                who=display_name(author),
                body=body[:150],
            )
    return comment


def share_customer_praise(*, survey: Survey, by: User) -> Kudos:
    """A lead turns a customer's 5-star answer with a comment into kudos for the agent, in one click."""
    if survey.rating != 5 or not (survey.comment or "").strip():
        raise DomainError(_("Only a 5-star answer with a comment can be shared."), field="survey")
    if survey.agent_id is None:
        raise DomainError(_("This answer has no agent to celebrate."), field="survey")
    if not access.leads_department_of(by, survey.agent):
        raise DomainError(_("Only the agent's lead shares their customers' praise."), field="survey")
    value = KudosValue.objects.filter(slug=PRAISE_VALUE_SLUG, active=True).first()
    customer = getattr(survey, "customer", None)
    who = customer.display_name if customer is not None else _("A customer")
    message = _("%(who)s wrote: “%(comment)s”") % {"who": who, "comment": survey.comment.strip()[:1800]}
    return give_kudos(
        giver=by,
        recipient=survey.agent,
        message=message,
        value=value,
        ticket=survey.ticket,
        survey_pk=survey.pk,
        source=KudosSource.CUSTOMER_PRAISE,
    )


@transaction.atomic
def mark_notifications_read(*, user: User) -> int:
    """The person's colleague notices are read (the feed's "mark all read")."""
    return sum(notices.mark_read_of_kind(user=user, prefix=prefix) for prefix in NOTICE_PREFIXES)


@transaction.atomic
def set_celebration_preference(
    *, user: User, birthday: dt.date | None, celebrate_birthday: bool
) -> CelebrationPreference:
    """A birthday is celebrated only when its owner opts in, and only with a date to celebrate."""
    if celebrate_birthday and birthday is None:
        raise DomainError(_("Give your birthday to have it celebrated."), field="birthday")
    pref, _created = CelebrationPreference.objects.update_or_create(
        user=user, defaults={"birthday": birthday, "celebrate_birthday": celebrate_birthday}
    )
    return pref


# --- milestones --------------------------------------------------------------------------------


def _same_day_this_year(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year: celebrated on the 28th
        return dt.date(year, 2, 28)


def _record_milestone(*, user, kind: str, key: str, occurred_on: dt.date, data: dict | None = None) -> bool:
    """Insert once: the unique (user, kind, key) constraint makes every run idempotent."""
    try:
        with transaction.atomic():
            _milestone, created = Milestone.objects.get_or_create(
                user=user, kind=kind, key=key, defaults={"occurred_on": occurred_on, "data": data or {}}
            )
    except IntegrityError:  # another run inserted it between our read and write
        return False
    return created


def detect_milestones(*, today: dt.date | None = None) -> int:
    """Find what to celebrate: anniversaries, opted-in birthdays, 100th solved ticket, first perfect
    CSAT month. Looks back a week so a missed daily run loses nothing; returns how many are new."""
    today = today or timezone.localdate()
    window = [today - dt.timedelta(days=n) for n in range(MILESTONE_LOOKBACK_DAYS)]
    people = access.staff_users().select_related("profile", "celebration")
    created = 0
    for person in people:
        profile = getattr(person, "profile", None)
        started = profile.started_on if profile else None
        if started:
            for day in window:
                years = day.year - started.year
                if years >= 1 and _same_day_this_year(started, day.year) == day:
                    created += _record_milestone(
                        user=person,
                        kind=MilestoneKind.ANNIVERSARY,
                        key=str(day.year),
                        occurred_on=day,
                        data={"years": years},
                    )
        pref = getattr(person, "celebration", None) if hasattr(person, "celebration") else None
        if pref is not None and pref.celebrate_birthday and pref.birthday:
            for day in window:
                if _same_day_this_year(pref.birthday, day.year) == day:
                    created += _record_milestone(
                        user=person, kind=MilestoneKind.BIRTHDAY, key=str(day.year), occurred_on=day
                    )
    created += _detect_hundredth_solved()
    created += _detect_perfect_month(today)
    return created


def _detect_hundredth_solved() -> int:
    already = Milestone.objects.filter(kind=MilestoneKind.SOLVED_100).values("user_id")
    candidates = (
        Ticket.objects.filter(solved_at__isnull=False, assignee__isnull=False)
        .exclude(assignee__in=already)
        .values("assignee")
        .annotate(n=Count("id"))
        .filter(n__gte=SOLVED_MILESTONE)
    )
    created = 0
    for row in candidates:
        hundredth = (
            Ticket.objects.filter(assignee_id=row["assignee"], solved_at__isnull=False)
            .order_by("solved_at", "id")
            .values_list("solved_at", flat=True)[SOLVED_MILESTONE - 1]
        )
        user = User.objects.get(pk=row["assignee"])
        created += _record_milestone(
            user=user, kind=MilestoneKind.SOLVED_100, key="once", occurred_on=hundredth.date(), data={"count": 100}
        )
    return created


def _detect_perfect_month(today: dt.date) -> int:
    """Last month's answers all satisfied, with at least the minimum number of responses."""
    Survey = selectors.survey_model()
    if Survey is None:
        return 0
    first_this_month = today.replace(day=1)
    last_month = (first_this_month - dt.timedelta(days=1)).replace(day=1)
    start = dt.datetime.combine(last_month, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(first_this_month, dt.time.min, tzinfo=dt.UTC)
    already = Milestone.objects.filter(kind=MilestoneKind.PERFECT_MONTH).values("user_id")
    rows = (
        Survey.objects.filter(answered_at__gte=start, answered_at__lt=end, rating__isnull=False, agent__isnull=False)
        .exclude(agent__in=already)
        .values("agent")
        .annotate(responses=Count("id"), satisfied=Count("id", filter=Q(rating__gte=stats.SATISFIED_MIN)))
        .filter(responses__gte=selectors.min_responses())
    )
    created = 0
    for row in rows:
        if row["responses"] == row["satisfied"]:
            created += _record_milestone(
                user=User.objects.get(pk=row["agent"]),
                kind=MilestoneKind.PERFECT_MONTH,
                key="once",
                occurred_on=end.date() - dt.timedelta(days=1),
                data={"month": last_month.strftime("%Y-%m"), "responses": row["responses"]},
            )
    return created


# --- internal service --------------------------------------------------------------------------


def open_internal_request(
    *,
    parent: Ticket,
    by: User,
    queue: Queue,
    subject: str,
    body: str,
    blocks_customer: bool = False,
    priority: str = Priority.NORMAL,
) -> Ticket:
    """An agent asks another department for help on a customer's ticket; the colleague is the
    internal customer, and a request that blocks the waiting customer is marked so it is served first."""
    from tickets.services import TicketOrigin, create_ticket

    if not can_view_ticket(by, parent):
        raise DomainError(_("No such ticket."), field="ticket")
    if parent.channel == Channel.INTERNAL:
        raise DomainError(_("Ask from the customer's ticket, not from another internal request."), field="ticket")
    if queue.department_id == department_id_of(by):
        raise DomainError(_("Internal requests go to another department's queue."), field="queue")
    if not by.email:
        raise DomainError(_("Your account needs an e-mail address to send internal requests."), field="queue")
    with transaction.atomic():
        ticket = create_ticket(
            subject=subject,
            body=body,
            customer_email=by.email,
            customer_name=display_name(by),
            queue=queue,
            priority=priority,
            language=getattr(getattr(by, "profile", None), "language", None),
            channel=Channel.INTERNAL,
            by=by,
            origin=TicketOrigin(parent=parent, requested_by=by, blocks_customer=blocks_customer),
        )
    return ticket


def on_ticket_solved(sender: type, *, ticket: Ticket, by: User | None = None, **kwargs) -> None:
    """tickets.hooks.ticket_solved: a solved internal request asks its requester for a short rating."""
    if ticket.channel != Channel.INTERNAL or ticket.requested_by_id is None:
        return
    survey, created = InternalSurvey.objects.get_or_create(
        ticket=ticket,
        solved_at=ticket.solved_at or timezone.now(),
        defaults={
            "requester_id": ticket.requested_by_id,
            "agent_id": ticket.assignee_id or (by.pk if by else None),
            "department_id": ticket.queue.department_id,
        },
    )
    if created:
        notify(
            user=ticket.requested_by,
            kind="internal.rate",
            target=ticket,
            ticket=ticket.pk,
            ref=ticket.reference,
            dept=ticket.queue.department.name,
        )


@transaction.atomic
def rate_internal_request(
    *, survey: InternalSurvey, by: User, rating: int | str | None, comment: str = ""
) -> InternalSurvey:
    """The requesting colleague rates the service they got, 1 to 5; they may change it later."""
    if survey.requester_id != by.pk:
        raise DomainError(_("Only the colleague who asked rates this request."), field="rating")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."), field="rating")
    old = survey.rating
    survey.rating = rating
    survey.comment = (comment or "").strip()[:2000]
    survey.answered_at = timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    record_event(
        ticket=survey.ticket,
        by=by,
        kind=EventKind.RATING,
        old=old or "",
        new=rating,
        data={"internal_survey": survey.pk, "changed": old is not None},
    )
    return survey


# --- quarterly reviews -------------------------------------------------------------------------


def review_agents() -> QuerySet[User]:
    """Everyone reviewed each quarter: active members of the agent group."""
    return User.objects.filter(is_active=True, groups__name=Role.AGENT).select_related("profile").distinct()


def prepare_reviews(*, quarter: Quarter, only_missing: bool = False) -> dict:
    """Prepare (or refresh) each agent's review for a quarter from the data. A review whose figures
    the agent has answered, or that anyone signed, keeps its snapshot. Idempotent."""
    counts = {"created": 0, "refreshed": 0, "kept": 0}
    for agent in review_agents():
        with transaction.atomic():
            review = Review.objects.select_for_update().filter(agent=agent, quarter=str(quarter)).first()
            if review is not None and (
                only_missing or review.figures_answer or review.agent_signed_at or review.lead_signed_at
            ):
                counts["kept"] += 1
                continue
            figures = selectors.review_figures(agent=agent, quarter=quarter)
            department_id = department_id_of(agent)
            if review is None:
                Review.objects.create(agent=agent, quarter=str(quarter), department_id=department_id, figures=figures)
                counts["created"] += 1
                notify(user=agent, kind="review.ready", q=str(quarter))
            else:
                review.figures = figures
                review.department_id = department_id
                review.prepared_at = timezone.now()
                review.save(update_fields=["figures", "department", "prepared_at"])
                counts["refreshed"] += 1
    return counts


def prepare_due_reviews(*, today: dt.date | None = None) -> dict:
    """The periodic job: once a quarter has ended, every agent gets a review of it (missing ones only)."""
    today = today or timezone.localdate()
    return prepare_reviews(quarter=Quarter.of(today).previous, only_missing=True)


def _lock(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def submit_reflection(*, review: Review, by: User, impact: str, proud: str, better: str) -> Review:
    """The agent answers the three questions; they may revise until they sign."""
    review = _lock(review)
    if review.agent_id != by.pk:
        raise DomainError(_("Only the agent writes their reflection."), field="reflection")
    if review.agent_signed_at:
        raise DomainError(_("You signed this review; it can no longer change."), field="reflection")
    answers = [(impact or "").strip(), (proud or "").strip(), (better or "").strip()]
    if not all(answers):
        raise DomainError(_("Answer all three questions."), field="reflection")
    review.reflection_impact, review.reflection_proud, review.reflection_help = answers
    review.reflection_at = timezone.now()
    review.save(update_fields=["reflection_impact", "reflection_proud", "reflection_help", "reflection_at"])
    return review


@transaction.atomic
def write_lead_part(*, review: Review, by: User, notes: str, goals: str) -> Review:
    """The lead adds notes and goals; changing one asks the agent to answer it again."""
    review = _lock(review)
    if not access.can_write_lead_part(by, review):
        raise DomainError(_("Only the agent's lead or manager writes notes and goals."), field="notes")
    if review.agent_signed_at or review.lead_signed_at:
        raise DomainError(_("This review is signed; notes and goals can no longer change."), field="notes")
    notes, goals = (notes or "").strip(), (goals or "").strip()
    if not notes or not goals:
        raise DomainError(_("Write both notes and goals."), field="notes")
    if notes != review.lead_notes:
        review.notes_answer, review.notes_comment = "", ""
    if goals != review.lead_goals:
        review.goals_answer, review.goals_comment = "", ""
    review.lead_notes, review.lead_goals = notes, goals
    review.lead_author, review.lead_at = by, timezone.now()
    review.save()
    notify(
        user=review.agent, kind="review.notes", target=review, review=review.pk, who=display_name(by), q=review.quarter
    )
    return review


REVIEW_PARTS = ("figures", "notes", "goals")


@transaction.atomic
def answer_review_part(*, review: Review, by: User, part: str, answer: str, comment: str = "") -> Review:
    """The agent acknowledges or disputes the figures, the notes and the goals, each on its own;
    a dispute says why."""
    review = _lock(review)
    if review.agent_id != by.pk:
        raise DomainError(_("Only the agent answers their review."), field="answer")
    if review.agent_signed_at:
        raise DomainError(_("You signed this review; it can no longer change."), field="answer")
    if part not in REVIEW_PARTS:
        raise DomainError(_("Unknown part of the review."), field="part")
    if answer not in Answer.values:
        raise DomainError(_("Acknowledge or dispute."), field="answer")
    if part in ("notes", "goals") and not review.lead_at:
        raise DomainError(_("Your lead has not written this part yet."), field="part")
    comment = (comment or "").strip()
    if answer == Answer.DISPUTED and not comment:
        raise DomainError(_("Say what you dispute."), field="comment")
    setattr(review, f"{part}_answer", answer)
    setattr(review, f"{part}_comment", comment)
    review.save(update_fields=[f"{part}_answer", f"{part}_comment"])
    return review


@transaction.atomic
def sign_review(*, review: Review, by: User) -> Review:
    """Both sign off: the agent once reflection and every answer are in, the lead once notes and goals are."""
    review = _lock(review)
    now = timezone.now()
    if review.agent_id == by.pk:
        if review.agent_signed_at:
            return review
        if not review.reflection_at:
            raise DomainError(_("Answer the self-reflection before signing."), field="sign")
        if not review.lead_at or not review.parts_answered:
            raise DomainError(_("Acknowledge or dispute each part before signing."), field="sign")
        review.agent_signed_at = now
        review.save(update_fields=["agent_signed_at"])
        if review.lead_author_id:
            notify(
                user=review.lead_author,
                kind="review.signed",
                target=review,
                review=review.pk,
                who=display_name(review.agent),
                q=review.quarter,
            )
        return review
    if not access.can_write_lead_part(by, review):
        raise DomainError(_("Only the agent and their lead sign this review."), field="sign")
    if review.lead_signed_at:
        return review
    if not review.lead_at:
        raise DomainError(_("Write notes and goals before signing."), field="sign")
    review.lead_signed_at, review.lead_signed_by = now, by
    review.save(update_fields=["lead_signed_at", "lead_signed_by"])
    return review


# --- announcements -----------------------------------------------------------------------------


@transaction.atomic
def post_announcement(
    *,
    by: User,
    title: str,
    body: str,
    kind: str = AnnouncementKind.NEWS,
    tone: str = Tone.NEUTRAL,
    requires_ack: bool = False,
) -> Announcement:
    """Leads and managers post news, policy and product changes; the text is sanitised HTML."""
    if not access.can_post_announcements(by):
        raise DomainError(_("Only leads and managers post announcements."), field="title")
    title = (title or "").strip()
    body_html = sanitize_html(body or "").strip()
    if not title:
        raise DomainError(_("A title is required."), field="title")
    if not body_html:
        raise DomainError(_("The announcement is empty."), field="body")
    if kind not in AnnouncementKind.values:
        raise DomainError(_("Unknown kind."), field="kind")
    if tone not in Tone.values:
        raise DomainError(_("Unknown tone."), field="tone")
    announcement = Announcement.objects.create(
        title=title[:200], body_html=body_html, kind=kind, tone=tone, requires_ack=requires_ack, author=by
    )
    # The author has read (and understood) what they wrote.
    AnnouncementRead.objects.create(announcement=announcement, user=by)
    if requires_ack:
        notices.acknowledge(user=by, target=announcement)
    return announcement


def mark_announcement_read(*, announcement: Announcement, user: User) -> AnnouncementRead:
    """The person opened the announcement (posted by its page once shown; never on GET)."""
    read, _created = AnnouncementRead.objects.get_or_create(announcement=announcement, user=user)
    return read


@transaction.atomic
def acknowledge_announcement(*, announcement: Announcement, user: User) -> Acknowledgement:
    """The reader confirms they read and understood; only asked of announcements that require it
    (the one acknowledgement mechanism: notices.services.acknowledge)."""
    if not announcement.requires_ack:
        raise DomainError(_("This announcement needs no acknowledgement."), field="announcement")
    mark_announcement_read(announcement=announcement, user=user)
    return notices.acknowledge(user=user, target=announcement)
