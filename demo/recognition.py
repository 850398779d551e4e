"""Demo data among colleagues: kudos over six months with reactions and comments, announcements
(one requiring acknowledgement), internal requests, milestones and last quarter's reviews.

`seed(stdout)` is idempotent (each part is skipped when its data is there) and needs the workbench's
demo people (ana, bruno, lena, marta, …): without them it creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from notices.models import Acknowledgement
from notices.services import target_of
from recognition import access, services
from recognition.models import (
    Announcement,
    AnnouncementRead,
    CelebrationPreference,
    Comment,
    InternalSurvey,
    Kudos,
    KudosValue,
    Milestone,
    Reaction,
    ReactionKind,
    Visibility,
)
from recognition.quarters import Quarter
from tickets.models import Channel, Queue, Status, Ticket

User = get_user_model()

RANDOM_SEED = 20260707
DEMO_KUDOS = 60
HISTORY_DAYS = 180
REQUIRED_PEOPLE = ("ana", "bruno", "lena", "marta")

MESSAGES = [
    "Thank you for taking over my queue while I was at the dentist — every customer got an answer.",
    "You spotted the double charge before the customer even noticed. Brilliant.",
    "Stayed late to finish the migration of the old tickets. Much appreciated!",
    "Your macro for delivery delays saved me an hour today.",
    "Explained the new refund rules to me with so much patience. Obrigado!",
    "Calm and kind with a very upset customer on the phone. Textbook.",
    "Followed up with the courier three times until the parcel was found.",
    "Translated the Greek customer's letter for me in five minutes.",
    "Owned the outage communication from start to finish.",
    "Helped me understand the billing export — I can do it alone now.",
    "Hvala for the weekend cover!",
    "Your internal note on LAT ticket made the handover effortless.",
    "Turned a one-star complaint into a five-star thank-you.",
    "Always the first to answer in the team chat when someone is stuck.",
]
COMMENTS = ["So deserved! 👏", "Agreed, thank you!", "This is why I love this team.", "+1", "Hvala!", "Obrigada!"]
# The rest of the announcements; the first two quote figures and are built by story_announcements().
ANNOUNCEMENTS = [
    (
        "The courier partner changes in January",
        "<p>Deliveries to the islands will take one or two days longer in January. Tell customers before they ask.</p>",
        "product",
        "bad",
        False,
        45,
    ),
    (
        "Office closed on 24 December",
        "<p>The phone line is closed; e-mail is answered by the on-call rota.</p>",
        "news",
        "neutral",
        False,
        90,
    ),
]


def seed(stdout) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=REQUIRED_PEOPLE)}
    if len(people) < len(REQUIRED_PEOPLE):
        stdout.write("recognition: the demo people (ana, bruno, lena, marta) are missing; nothing created")
        return
    rng = random.Random(RANDOM_SEED)
    staff = list(access.staff_users().filter(is_superuser=False).order_by("username"))
    now = timezone.now()
    created = {
        "kudos": _kudos(rng, staff, now),
        "announcements": _announcements(rng, staff, people, now),
        "internal requests": _internal_requests(people),
        "milestones": _milestones(people, now),
    }
    reviews = services.prepare_reviews(quarter=Quarter.current().previous, only_missing=True)
    created["reviews"] = reviews["created"]
    stdout.write("recognition: " + ", ".join(f"{n} {what}" for what, n in created.items()))


@transaction.atomic
def _kudos(rng: random.Random, staff: list, now: dt.datetime) -> int:
    if Kudos.objects.exists():
        return 0
    values = list(KudosValue.objects.filter(active=True))
    solved_by = {}
    for ticket_id, assignee_id in Ticket.objects.filter(status__in=[Status.SOLVED, Status.CLOSED]).values_list(
        "id", "assignee_id"
    ):
        solved_by.setdefault(assignee_id, []).append(ticket_id)
    by_name = {u.username: u for u in staff}
    kudos_list = []
    for n in range(DEMO_KUDOS):
        # The demo accounts receive and give a good share, so their pages have something to show.
        recipient = by_name["ana"] if n % 6 == 0 else by_name["bruno"] if n % 6 == 1 else rng.choice(staff)
        giver = rng.choice([u for u in staff if u.pk != recipient.pk])
        when = now - dt.timedelta(days=rng.uniform(0.2, HISTORY_DAYS))
        tickets = solved_by.get(recipient.pk) or []
        kudos_list.append(
            Kudos(
                giver=giver,
                recipient=recipient,
                message=rng.choice(MESSAGES),
                value=rng.choice(values) if values and rng.random() < 0.85 else None,
                ticket_id=rng.choice(tickets) if tickets and rng.random() < 0.4 else None,
                visibility=rng.choices([Visibility.EVERYONE, Visibility.LEAD, Visibility.RECIPIENT], weights=[8, 1, 1])[
                    0
                ],
                created_at=when,
            )
        )
    Kudos.objects.bulk_create(kudos_list)
    reactions, comments = [], []
    for kudos in Kudos.objects.all():
        for person in rng.sample(staff, k=rng.randint(0, 5)):
            reactions.append(Reaction(kudos=kudos, user=person, kind=rng.choice(ReactionKind.values)))
        if rng.random() < 0.35:
            author = rng.choice(staff)
            comments.append(
                Comment(
                    kudos=kudos,
                    author=author,
                    body=rng.choice(COMMENTS),
                    created_at=kudos.created_at + dt.timedelta(hours=2),
                )
            )
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    Comment.objects.bulk_create(comments)
    return len(kudos_list)


def story_figures(manager, *, published: dt.date) -> dict:
    """What the announcements quote, read where the pages read it, so the demo tells one story: the
    agents' refund limits (their discretion panel) and the CSAT of the quarter before publication (the
    manager's dashboard, "Last quarter", counted in her time zone)."""
    import zoneinfo

    from agents.models import PolicyLimit, PolicyScope
    from insights import periods
    from insights import selectors as insights_selectors
    from insights.access import dashboard_scope

    limit = (
        PolicyLimit.objects.filter(
            policy__scope=PolicyScope.ROLE, policy__role="agent", policy__active=True, kind__slug="refund"
        )
        .select_related("kind")
        .first()
    )
    tz = zoneinfo.ZoneInfo(manager.profile.timezone)
    quarter, _before = periods.preset_period("last_quarter", tz=tz, on=published)
    tally = insights_selectors.summary(insights_selectors.cohort(dashboard_scope(manager), quarter))
    return {"refund": limit, "quarter": quarter, "csat": tally.csat, "responses": tally.responses}


def story_announcements(manager, now: dt.datetime) -> list[tuple]:
    """The two announcements that quote figures, written from story_figures()."""
    policy_day, news_day = 3, 20
    out = []
    figures = story_figures(manager, published=(now - dt.timedelta(days=policy_day)).date())
    limit = figures["refund"]
    if limit is not None:
        currency = limit.kind.currency
        out.append(
            (
                "New refund policy from 1 December",
                f"<p>From 1 December agents may refund up to <strong>{limit.per_action_limit} {currency}</strong> "
                f"per action without approval (up to {limit.period_budget} {currency} a month). Above that, ask "
                f"your lead; above {limit.manager_threshold} {currency} the manager decides. Please read the "
                '<a href="https://example.com/policy">full policy</a>.</p>',
                "policy",
                "neutral",
                True,
                policy_day,
            )
        )
    figures = story_figures(manager, published=(now - dt.timedelta(days=news_day)).date())
    if figures["csat"] is not None:
        q = figures["quarter"]
        number = f"{figures['csat']:.1f}"
        out.append(
            (
                f"We reached {number} % CSAT from {q.since:%-d %B} to {q.until:%-d %B}",
                f"<p>{figures['responses']} customers answered our survey last quarter; thank you all for every one "
                "of those conversations. Cake on Friday in the kitchen.</p>",
                "news",
                "good",
                False,
                news_day,
            )
        )
    return out


@transaction.atomic
def _announcements(rng: random.Random, staff: list, people: dict, now: dt.datetime) -> int:
    if Announcement.objects.exists():
        return 0
    authors = [people["marta"], people["lena"]]
    announcements = story_announcements(people["marta"], now) + ANNOUNCEMENTS
    for i, (title, body, kind, tone, requires_ack, days_ago) in enumerate(announcements):
        announcement = services.post_announcement(
            by=authors[i % 2], title=title, body=body, kind=kind, tone=tone, requires_ack=requires_ack
        )
        published = now - dt.timedelta(days=days_ago)
        Announcement.objects.filter(pk=announcement.pk).update(published_at=published)
        # Most have read the older news; the new policy is still waiting for ana and several others.
        readers = [p for p in staff if p.username != "ana" and rng.random() < (0.5 if requires_ack else 0.8)]
        read_at = published + dt.timedelta(hours=3)
        AnnouncementRead.objects.bulk_create(
            [AnnouncementRead(announcement=announcement, user=p, read_at=read_at) for p in readers],
            ignore_conflicts=True,
        )
        if requires_ack:
            target = target_of(announcement)
            Acknowledgement.objects.bulk_create(
                [
                    Acknowledgement(user=p, target=target, acknowledged_at=read_at)
                    for p in readers
                    if rng.random() < 0.7
                ],
                ignore_conflicts=True,
            )
    return len(announcements)


def _internal_requests(people: dict) -> int:
    if Ticket.objects.filter(channel=Channel.INTERNAL, requested_by__isnull=False).exists():
        return 0
    from tickets.services import assign_ticket, change_status

    ana, bruno = people["ana"], people["bruno"]
    billing_queue = Queue.objects.filter(department__members__user=bruno).order_by("id").first()
    support_queue = Queue.objects.filter(department__members__user=ana, is_public=True).order_by("id").first()
    ana_ticket = Ticket.objects.filter(assignee=ana, status__in=[Status.OPEN, Status.PENDING]).order_by("id").first()
    bruno_ticket = (
        Ticket.objects.filter(assignee=bruno, status__in=[Status.OPEN, Status.PENDING]).order_by("id").first()
    )
    if not (billing_queue and support_queue and ana_ticket and bruno_ticket):
        return 0
    made = [
        services.open_internal_request(
            parent=ana_ticket,
            by=ana,
            queue=billing_queue,
            subject="Billing, please confirm this refund went out",
            body="The customer says the refund never arrived. Can you check the payment provider?",
            blocks_customer=True,
        ),
        services.open_internal_request(
            parent=ana_ticket,
            by=ana,
            queue=billing_queue,
            subject="Invoice address change for next month",
            body="No rush: the customer moved offices.",
        ),
        services.open_internal_request(
            parent=bruno_ticket,
            by=bruno,
            queue=support_queue,
            subject="Support, can you reset this customer's login?",
            body="They cannot pay because they cannot log in.",
            blocks_customer=True,
        ),
    ]
    # One already served and rated, so the internal CSAT has something to show.
    served = made[1]
    assign_ticket(ticket=served, assignee=bruno, by=bruno)
    change_status(ticket=served, status=Status.SOLVED, by=bruno)
    survey = InternalSurvey.objects.filter(ticket=served).first()
    if survey is not None:
        services.rate_internal_request(survey=survey, by=ana, rating=5, comment="Done within the hour, thank you!")
    return len(made)


def _milestones(people: dict, now: dt.datetime) -> int:
    forty_days_ago = (now - dt.timedelta(days=40)).date()
    CelebrationPreference.objects.get_or_create(
        user=people["ana"],
        defaults={
            "birthday": dt.date(1992, forty_days_ago.month, min(forty_days_ago.day, 28)),
            "celebrate_birthday": True,
        },
    )
    before = Milestone.objects.count()
    today = now.date()
    # Replay the last six months week by week, as the daily job would have.
    for days_ago in range(HISTORY_DAYS, -1, -7):
        services.detect_milestones(today=today - dt.timedelta(days=days_ago))
    for milestone in Milestone.objects.filter(created_at__gte=now - dt.timedelta(minutes=5)):
        milestone.created_at = dt.datetime.combine(milestone.occurred_on, dt.time(8), tzinfo=dt.UTC)
        milestone.save(update_fields=["created_at"])
    return Milestone.objects.count() - before
