"""Reads: the feed, notifications, internal requests, review figures, announcements.

Surveys and off-script actions belong to the feedback and agents apps, which are built beside this
one: they are imported lazily through `survey_model()` / `offscript_model()`, and every figure
drawn from them says `available: False` when the app has no such model.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy

from insights import stats
from notices.models import Acknowledgement, Notice
from notices.selectors import notices_for
from recognition import access
from recognition.models import (
    NOTICE_PREFIXES,
    Announcement,
    AnnouncementRead,
    Comment,
    InternalSurvey,
    Kudos,
    KudosSource,
    Milestone,
    Reaction,
    ReactionKind,
    Visibility,
)
from recognition.quarters import Quarter
from tickets.models import OPEN_STATUSES, PRIORITY_RANK, Channel, Department, Ticket

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.db.models import Model

FEED_PAGE_SIZE = 20
PRAISE_WINDOW_DAYS = 30


def survey_model() -> type[Model] | None:
    """feedback.models.Survey, or None while the feedback app has no such model."""
    try:
        from feedback.models import Survey
    except ImportError:
        return None
    return Survey


def offscript_model() -> type[Model] | None:
    """agents.models.OffscriptAction, or None while the agents app has no such model."""
    try:
        from agents.models import OffscriptAction
    except ImportError:
        return None
    return OffscriptAction


def min_responses() -> int:
    return settings.REVIEW_MIN_RESPONSES


# --- the feed ----------------------------------------------------------------------------------


def feed_kudos(user: User) -> QuerySet[Kudos]:
    """Kudos the user may see, with everything a feed card shows fetched in a fixed number of queries."""
    return (
        access.visible_kudos(user)
        .select_related("giver", "recipient", "value", "ticket")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.only("id", "kudos_id", "user_id", "kind")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        )
        .order_by("-created_at", "-id")
    )


# What each reaction says, for screen readers and the tooltip: the emoji alone is not a label.
REACTION_NAMES = {
    ReactionKind.CLAP: gettext_lazy("Applause"),
    ReactionKind.PARTY: gettext_lazy("Celebrate"),
    ReactionKind.HEART: gettext_lazy("Love it"),
    ReactionKind.STRONG: gettext_lazy("Strong work"),
}


def decorate_kudos(kudos_list: list[Kudos], user: User) -> list[Kudos]:
    """Reaction counts and "mine" flags for each card, from the prefetched reactions."""
    for kudos in kudos_list:
        counts = Counter(r.kind for r in kudos.reactions.all())
        mine = {r.kind for r in kudos.reactions.all() if r.user_id == user.id}
        kudos.reaction_summary = [
            {
                "kind": kind.value,
                "emoji": kind.label,
                "name": REACTION_NAMES[kind.value],
                "count": counts.get(kind.value, 0),
                "mine": kind.value in mine,
            }
            for kind in ReactionKind
        ]
    return kudos_list


def feed_milestones(*, since: dt.datetime | None, until: dt.datetime | None) -> QuerySet[Milestone]:
    qs = Milestone.objects.select_related("user").order_by("-created_at")
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    return qs


def merge_feed(kudos_page: Iterable[Kudos], milestones: Iterable[Milestone]) -> list[dict]:
    items = [{"type": "kudos", "at": k.created_at, "obj": k} for k in kudos_page]
    items += [{"type": "milestone", "at": m.created_at, "obj": m} for m in milestones]
    return sorted(items, key=lambda item: item["at"], reverse=True)


def kudos_stats(user: User) -> dict:
    since = timezone.now() - dt.timedelta(days=90)
    return {
        "given": Kudos.objects.filter(giver=user, created_at__gte=since).count(),
        "received": Kudos.objects.filter(recipient=user, created_at__gte=since).count(),
        "points_left": points_left(user),
    }


def monthly_allowance() -> int:
    """Points each person may give per month; 0 means the company does not use points."""
    return settings.KUDOS_MONTHLY_POINTS


def points_left(user: User) -> int | None:
    allowance = monthly_allowance()
    if allowance <= 0:
        return None
    now = timezone.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = sum(Kudos.objects.filter(giver=user, created_at__gte=month_start).values_list("points", flat=True))
    return max(0, allowance - spent)


def unread_notifications(user: User) -> list[Notice]:
    """The person's unread colleague notices (kudos, comments, reviews, internal requests), newest first."""
    kinds = Q()
    for prefix in NOTICE_PREFIXES:
        kinds |= Q(kind__startswith=prefix)
    return notices_for(user=user, unread_only=True).filter(kinds)


# --- customer praise -> ready-made kudos -------------------------------------------------------


def praise_to_share(user: User, *, limit: int = 20) -> list:
    """5-star answers with a comment for agents of the departments this lead leads, not yet shared."""
    Survey = survey_model()
    if Survey is None or not access.is_lead_or_above(user):
        return []
    led = list(Department.objects.filter(lead=user).values_list("id", flat=True))
    if not led:
        return []
    shared = Kudos.objects.filter(source=KudosSource.CUSTOMER_PRAISE, survey_pk=OuterRef("pk"))
    since = timezone.now() - dt.timedelta(days=PRAISE_WINDOW_DAYS)
    return list(
        Survey.objects.filter(rating=5, answered_at__gte=since, agent__profile__department__in=led)
        .exclude(comment="")
        .exclude(agent=user)
        .filter(~Exists(shared))
        .select_related("agent", "ticket", "customer")
        .order_by("-answered_at")[:limit]
    )


# --- internal service --------------------------------------------------------------------------


def internal_requests_for(department: Department, *, open_only: bool = True) -> QuerySet[Ticket]:
    """Internal requests a department received: those blocking a waiting customer first, then by
    priority, then the oldest first."""
    from django.db.models import Case, IntegerField, Value, When

    qs = Ticket.objects.filter(queue__department=department, channel=Channel.INTERNAL).select_related(
        "queue", "assignee", "requested_by", "parent", "parent__queue__department"
    )
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    rank = Case(
        *[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()],
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.annotate(priority_rank=rank).order_by(F("blocks_customer").desc(), "-priority_rank", "created_at", "id")


def internal_requests_from(ticket: Ticket) -> QuerySet[Ticket]:
    return ticket.internal_requests.select_related("queue__department", "assignee").order_by("created_at")


def kudos_received_between(*, user: User, start: dt.datetime, end: dt.datetime, limit: int) -> list[Kudos]:
    """insights.hooks.received_recognition: the kudos shown on the person's "My feedback"."""
    return list(
        Kudos.objects.filter(recipient=user, created_at__gte=start, created_at__lt=end)
        .select_related("giver", "value")
        .order_by("-created_at", "-id")[:limit]
    )


def csat_of(surveys: QuerySet) -> dict:
    """responses, satisfied and CSAT of answered surveys (anything with rating 1..5), by insights.stats."""
    responses, satisfied = stats.answer_counts(surveys)
    return {
        "responses": responses,
        "satisfied": satisfied,
        "csat": stats.csat(satisfied, responses),
        "enough": responses >= min_responses(),
        "min_responses": min_responses(),
    }


def internal_csat(department: Department, *, days: int = 90) -> dict:
    since = timezone.now() - dt.timedelta(days=days)
    surveys = InternalSurvey.objects.filter(department=department, solved_at__gte=since)
    figures = csat_of(surveys)
    figures["asked"] = surveys.count()
    figures["comments"] = list(
        surveys.filter(rating__isnull=False)
        .exclude(comment="")
        .select_related("requester", "ticket")
        .order_by("-answered_at")[:10]
    )
    return figures


def open_internal_survey(ticket: Ticket) -> InternalSurvey | None:
    return InternalSurvey.objects.filter(ticket=ticket).order_by("-solved_at").first()


# --- quarterly review figures ------------------------------------------------------------------


def _survey_block(surveys, start: dt.datetime, end: dt.datetime) -> dict:
    sent = surveys.filter(sent_at__gte=start, sent_at__lt=end)
    figures = csat_of(sent)
    figures["sent"] = sent.count()
    figures["response_rate"] = stats.response_rate(figures["responses"], figures["sent"])  # a ratio, 0..1
    return figures


def _money(value) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def review_figures(*, agent: User, quarter: Quarter) -> dict:
    """Everything a quarterly review shows from the data, as a JSON snapshot for the HR file."""
    start, end = quarter.start, quarter.end
    previous = quarter.previous
    solved = Ticket.objects.filter(assignee=agent, solved_at__gte=start, solved_at__lt=end)
    figures: dict = {
        "quarter": str(quarter),
        "period": [start.date().isoformat(), (end - dt.timedelta(days=1)).date().isoformat()],
        "min_responses": min_responses(),
        "tickets_solved": solved.exclude(channel=Channel.INTERNAL).count(),
        "internal_requests_solved": solved.filter(channel=Channel.INTERNAL).count(),
        "tickets_solved_previous": Ticket.objects.filter(
            assignee=agent, solved_at__gte=previous.start, solved_at__lt=previous.end
        ).count(),
    }

    Survey = survey_model()
    if Survey is None:
        figures["csat"] = {"available": False}
        figures["csat_trend"] = []
        figures["customer_comments"] = []
    else:
        surveys = Survey.objects.filter(agent=agent)
        current = _survey_block(surveys, start, end)
        before = _survey_block(surveys, previous.start, previous.end)
        trend = None
        if current["enough"] and before["enough"]:
            delta = current["csat"] - before["csat"]
            trend = "up" if delta > 0.5 else "down" if delta < -0.5 else "flat"
        figures["csat"] = {"available": True, **current, "previous": before, "trend": trend}
        figures["csat_trend"] = [
            {"month": month_start.strftime("%Y-%m"), **_survey_block(surveys, month_start, month_end)}
            for month_start, month_end in quarter.months()
        ]
        figures["customer_comments"] = [
            {
                "rating": s.rating,
                "comment": s.comment,
                "ticket": s.ticket.reference if s.ticket_id else "",
                "answered_on": s.answered_at.date().isoformat() if s.answered_at else "",
            }
            for s in surveys.filter(answered_at__gte=start, answered_at__lt=end, rating__isnull=False)
            .exclude(comment="")
            .select_related("ticket")
            .order_by("-answered_at")[:20]
        ]

    internal = InternalSurvey.objects.filter(agent=agent, solved_at__gte=start, solved_at__lt=end)
    figures["internal_csat"] = {**csat_of(internal), "asked": internal.count()}

    Offscript = offscript_model()
    if Offscript is None:
        figures["offscript"] = {"available": False}
    else:
        actions = Offscript.objects.filter(agent=agent, created_at__gte=start, created_at__lt=end)
        if Offscript._meta.get_field("kind").is_relation:
            actions = actions.select_related("kind")
        # Amounts are summed per kind and currency: a refund in EUR and one in USD never add up.
        by_kind: dict[tuple[str, str], dict] = defaultdict(
            lambda: {"count": 0, "amount": Decimal("0"), "statuses": Counter()}
        )
        for action in actions:
            row = by_kind[(str(action.kind), getattr(action, "currency", "") or "")]
            row["count"] += 1
            row["amount"] += action.amount or Decimal("0")
            row["statuses"][str(action.status)] += 1
        figures["offscript"] = {
            "available": True,
            "total": sum(r["count"] for r in by_kind.values()),
            "kinds": [
                {
                    "kind": kind,
                    "currency": currency,
                    "count": r["count"],
                    "amount": _money(r["amount"]),
                    "statuses": dict(sorted(r["statuses"].items())),
                }
                for (kind, currency), r in sorted(by_kind.items())
            ],
        }

    given = Kudos.objects.filter(giver=agent, created_at__gte=start, created_at__lt=end)
    received = Kudos.objects.filter(recipient=agent, created_at__gte=start, created_at__lt=end)
    figures["kudos"] = {
        "given": given.count(),
        "received": received.count(),
        "values": [
            {"value": row["value__name"] or "", "count": row["n"]}
            for row in received.values("value__name").annotate(n=Count("id")).order_by("-n", "value__name")
        ],
        # Kudos meant for the recipient alone are counted but never quoted where a lead reads.
        "quotes": [
            # Each quote keeps its visibility: a kudos for "the recipient and their lead" is shown to
            # them only (recognition.access.review_figures_for), never to the manager or an admin.
            {
                "from": k.giver.get_full_name() or k.giver.get_username(),
                "message": k.message,
                "visibility": k.visibility,
            }
            for k in received.exclude(visibility=Visibility.RECIPIENT).select_related("giver")[:5]
        ],
    }
    return figures


# --- announcements -----------------------------------------------------------------------------


def _acknowledged_by(user: User) -> Exists:
    """notices.Acknowledgement of the outer announcement by `user` (announcements have one version)."""
    target = Concat(Value(f"{Announcement._meta.label_lower}:"), Cast(OuterRef("pk"), CharField()))
    return Exists(Acknowledgement.objects.filter(user=user, target=target, version=1))


def announcements_for(user: User) -> QuerySet[Announcement]:
    mine = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)
    return (
        Announcement.objects.select_related("author")
        .annotate(is_read=Exists(mine), is_acknowledged=_acknowledged_by(user))
        .order_by("-published_at", "-id")
    )


def required_announcements(user: User) -> QuerySet[Announcement]:
    """The announcements that ask this person for "read and understood" (notices.acks source)."""
    if not access.is_staff_member(user):
        return Announcement.objects.none()
    return Announcement.objects.filter(requires_ack=True).order_by("-published_at")


def announcement_audience_of(announcement: Announcement) -> QuerySet[User]:
    """Everyone an announcement asks to acknowledge it: all staff, when it requires it."""
    return access.staff_users() if announcement.requires_ack else User.objects.none()


def unread_required_announcements(user: User) -> QuerySet[Announcement]:
    """Announcements that require acknowledgement and that this user has not acknowledged yet."""
    return required_announcements(user).filter(~_acknowledged_by(user))


def unread_announcement_count(user: User) -> int:
    """Unread announcements plus required ones not yet acknowledged: the nav badge."""
    if not access.is_staff_member(user):
        return 0
    return unread_announcements(user).count()


def unread_announcements(user: User) -> QuerySet[Announcement]:
    """Unread announcements, and required ones not yet acknowledged (one query; the nav badge counts it)."""
    reads = AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)
    return Announcement.objects.filter(~Exists(reads) | (Q(requires_ack=True) & ~_acknowledged_by(user)))


def announcement_audience(announcement: Announcement) -> dict:
    """Who has not read it, and (when acknowledgement is required) who has read but not acknowledged."""
    from notices.selectors import who_has_not

    read_by = set(announcement.reads.values_list("user_id", flat=True))
    people = list(access.staff_users().select_related("profile__department").order_by("first_name", "username"))
    not_read = [p for p in people if p.id not in read_by]
    not_acknowledged = [p for p in who_has_not(announcement) if p.id in read_by]
    return {"people": len(people), "not_read": not_read, "not_acknowledged": not_acknowledged, "reads": len(read_by)}
