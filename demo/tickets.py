"""Demo data for the workbench: people, departments, queues, macros, customers and several hundred tickets.

`seed(stdout)` is idempotent: people and setup are get-or-create on natural keys; tickets are created
only when the demo customers have none yet. A fixed random seed makes every run produce the same data.
Later apps (surveys, off-script actions, kudos) add theirs on top of these tickets.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils import timezone

from demo.tickets_content import (
    FIRST_NAMES,
    FOLLOW_UPS,
    INTERNAL_NOTES,
    LAST_NAMES,
    ORGANISATIONS,
    SCENARIOS,
    SECOND_REPLIES,
)
from tickets.models import (
    Channel,
    Customer,
    Department,
    EventKind,
    Macro,
    Message,
    MessageKind,
    Priority,
    Profile,
    Queue,
    SlaPolicy,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)

RANDOM_SEED = 20260415
DEMO_TICKETS = 420
HISTORY_DAYS = 180
PASSWORD = "demo"

DEPARTMENTS = [("support", "Support"), ("billing", "Billing"), ("logistics", "Logistics")]
QUEUES = [
    # slug, name, department, address, public
    ("general", "General support", "support", "help@latitude.example", True),
    ("orders", "Orders & delivery", "logistics", "orders@latitude.example", True),
    ("billing", "Billing", "billing", "billing@latitude.example", True),
    ("refunds", "Refunds & returns", "billing", "refunds@latitude.example", True),
    ("internal", "Internal requests", "support", "", False),
]
PEOPLE = [
    # username, first, last, role, department, language, time zone
    ("ana", "Ana", "Silva", "agent", "support", "en", "Europe/Lisbon"),
    ("bruno", "Bruno", "Lima", "agent", "billing", "en", "America/Sao_Paulo"),
    ("lena", "Lena", "Novak", "lead", "support", "en", "Europe/Belgrade"),
    ("marta", "Marta", "Costa", "manager", "support", "en", "Europe/Lisbon"),
    ("tomas", "Tomás", "Reis", "agent", "support", "pt", "Europe/Lisbon"),
    ("rafael", "Rafael", "Souza", "agent", "support", "pt-br", "America/Sao_Paulo"),
    ("nikos", "Nikos", "Papadakis", "agent", "support", "el", "Europe/Athens"),
    ("milica", "Milica", "Jovanović", "agent", "support", "sr-latn", "Europe/Belgrade"),
    ("joana", "Joana", "Ferreira", "lead", "billing", "pt", "Europe/Lisbon"),
    ("dimitris", "Dimitris", "Alexiou", "agent", "billing", "el", "Europe/Athens"),
    ("katerina", "Katerina", "Georgiou", "agent", "logistics", "el", "Europe/Athens"),
    ("stefan", "Stefan", "Petrović", "lead", "logistics", "sr-latn", "Europe/Belgrade"),
    ("luka", "Luka", "Marković", "agent", "logistics", "sr-latn", "Europe/Belgrade"),
]
LEADS = {"support": "lena", "billing": "joana", "logistics": "stefan"}
# The demo accounts people log in with get a fuller inbox.
ASSIGNEE_WEIGHT = {"ana": 4, "bruno": 4}

MACROS = [
    # name, department, status, priority, tags, body
    (
        "Ask for the order number",
        None,
        Status.PENDING,
        "",
        ["awaiting-info"],
        "Hello {{ customer_name }},\n\nThanks for writing to us. Could you send me the order number (it starts with a 6-digit "
        "number and is in your confirmation e-mail) so I can look into this?\n\nBest regards,\n{{ agent_name }}\n"
        "Reference: {{ ticket_ref }}",
    ),
    (
        "Solved – anything else?",
        None,
        Status.SOLVED,
        "",
        [],
        "Hello {{ customer_name }},\n\nI'm glad we could sort this out. If anything else comes up, just reply to this "
        "e-mail and the ticket {{ ticket_ref }} reopens.\n\nKind regards,\n{{ agent_name }}",
    ),
    (
        "Delivery delay apology",
        "logistics",
        "",
        Priority.HIGH,
        ["delivery", "delay"],
        "Hello {{ customer_name }},\n\nI'm sorry your parcel is late. I've opened an investigation with the courier and "
        "will update you within 24 hours.\n\n{{ agent_name }}",
    ),
    (
        "Refund issued",
        "billing",
        Status.SOLVED,
        "",
        ["refund"],
        "Hello {{ customer_name }},\n\nThe refund has been issued today. Depending on your bank it takes 3–7 working "
        "days to appear on your statement.\n\nKind regards,\n{{ agent_name }}",
    ),
    (
        "Password reset link",
        "support",
        Status.PENDING,
        "",
        ["account", "login"],
        "Hello {{ customer_name }},\n\nI've sent a new password reset link to this address; it is valid for one hour. "
        "Please check your spam folder too.\n\n{{ agent_name }}",
    ),
    (
        "Escalate: urgent payment issue",
        "billing",
        Status.OPEN,
        Priority.URGENT,
        ["escalated"],
        "Hello {{ customer_name }},\n\nI've escalated your case ({{ ticket_ref }}) to our payments team as a priority; "
        "you'll hear from us today.\n\n{{ agent_name }}",
    ),
]

PRIORITY_WEIGHTS = [(Priority.LOW, 20), (Priority.NORMAL, 55), (Priority.HIGH, 18), (Priority.URGENT, 7)]
CHANNEL_WEIGHTS = [(Channel.EMAIL, 50), (Channel.WEB, 35), (Channel.PHONE, 8), (Channel.API, 7)]
CUSTOMERS_PER_LANGUAGE = {"en": 32, "pt": 26, "pt-br": 20, "el": 26, "sr-latn": 22}


def seed(stdout) -> None:
    rng = random.Random(RANDOM_SEED)
    departments = _departments()
    queues = _queues(departments)
    people = _people(departments)
    _macros(departments)
    customers = _customers(rng)
    if Ticket.objects.filter(customer__in=customers).exists():
        stdout.write("Tickets: demo tickets already present, left as they are.")
        return
    count = _tickets(rng, queues=queues, people=people, customers=customers)
    _agent_tools(rng, departments)
    stdout.write(f"Tickets: {len(people)} people, {len(customers)} customers, {count} tickets.")


DEMO_PRODUCTS = ["Laptop", "Phone", "Tablet", "Accessory"]


def _agent_tools(rng, departments) -> None:
    """Custom fields with values on the demo tickets, and two saved views (one shared with Support)."""
    from tickets.models import SavedView, TicketField

    product, _ = TicketField.objects.get_or_create(
        key="product",
        defaults={"label": "Product", "type": "choice", "choices": DEMO_PRODUCTS, "public": True, "inbox_column": True},
    )
    TicketField.objects.get_or_create(
        key="order_no", defaults={"label": "Order number", "type": "text", "public": True}
    )
    TicketField.objects.get_or_create(
        key="refund_requested", defaults={"label": "Refund requested", "type": "checkbox"}
    )
    tickets = list(Ticket.objects.only("id", "fields").order_by("id"))
    for ticket in tickets:
        if rng.random() < 0.7:
            ticket.fields = {**(ticket.fields or {}), "product": rng.choice(DEMO_PRODUCTS)}
        if rng.random() < 0.4:
            ticket.fields = {**(ticket.fields or {}), "order_no": f"ORD-{rng.randint(10000, 99999)}"}
    Ticket.objects.bulk_update(tickets, ["fields"], batch_size=500)
    lena, ana = User.objects.get(username="lena"), User.objects.get(username="ana")
    SavedView.objects.get_or_create(
        name="Open laptop tickets",
        owner=lena,
        defaults={"department": departments["support"], "query": {"view": "department", "field.product": "Laptop"}},
    )
    SavedView.objects.get_or_create(
        name="My urgent ones", owner=ana, defaults={"query": {"view": "mine", "priority": "urgent"}}
    )


def _departments() -> dict[str, Department]:
    return {slug: Department.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in DEPARTMENTS}


def _queues(departments) -> dict[str, Queue]:
    queues = {}
    for slug, name, dept, address, public in QUEUES:
        queues[slug] = Queue.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "department": departments[dept], "email_address": address, "is_public": public},
        )[0]
    return queues


def _person(username, first, last, role, department, language, tz, *, password_hash: str, superuser=False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@latitude.example",
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    if created:
        user.password = password_hash
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Profile.objects.get_or_create(
        user=user,
        defaults={
            "department": department,
            "language": language,
            "timezone": tz,
            "started_on": dt.date(2021, 1, 11) + dt.timedelta(days=97 * (len(username) + ord(username[0]) % 9)),
        },
    )
    return user


def _people(departments) -> dict[str, User]:
    # Hashing is slow on purpose; every demo account has the same password, so hash it once.
    password_hash = make_password(PASSWORD)
    people = {
        username: _person(username, first, last, role, departments[dept], lang, tz, password_hash=password_hash)
        for username, first, last, role, dept, lang, tz in PEOPLE
    }
    _person("admin", "Site", "Admin", "admin", None, "en", "UTC", password_hash=password_hash, superuser=True)
    for slug, department in departments.items():
        changed = []
        if department.lead_id is None:
            department.lead = people[LEADS[slug]]
            changed.append("lead")
        if department.manager_id is None:
            department.manager = people["marta"]
            changed.append("manager")
        if changed:
            department.save(update_fields=changed)
    return people


def _macros(departments) -> None:
    for name, dept, status, priority, tags, body in MACROS:
        macro, created = Macro.objects.get_or_create(
            name=name,
            department=departments[dept] if dept else None,
            defaults={"body": body, "set_status": status, "set_priority": priority},
        )
        if created and tags:
            macro.add_tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])


def _ascii(text: str) -> str:
    text = text.replace("đ", "dj").replace("Đ", "Dj")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _customers(rng: random.Random) -> list[Customer]:
    specs = {}
    for language, count in CUSTOMERS_PER_LANGUAGE.items():
        made = 0
        while made < count:
            first = rng.choice(FIRST_NAMES[language])
            last = rng.choice(LAST_NAMES[language])
            org = rng.choice(ORGANISATIONS[language])
            domain = rng.choice(["example.com", "example.org", "example.net"])
            email = f"{_ascii(first)}.{_ascii(last)}@{domain}"
            if email in specs:
                continue
            notes = rng.choice(["", "", "", "Prefers phone calls in the afternoon.", "B2B account, invoices monthly."])
            specs[email] = {"name": f"{first} {last}", "language": language, "organisation": org, "notes": notes}
            made += 1
    existing = set(Customer.objects.filter(email__in=specs).values_list("email", flat=True))
    joined = timezone.now() - dt.timedelta(days=HISTORY_DAYS + 30)
    Customer.objects.bulk_create(
        [Customer(email=email, created_at=joined, **spec) for email, spec in specs.items() if email not in existing]
    )
    return list(Customer.objects.filter(email__in=specs).order_by("email"))


def _weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _planned_status(rng, age_days: float) -> str:
    if age_days > 14:
        return _weighted(rng, [(Status.CLOSED, 70), (Status.SOLVED, 24), (Status.PENDING, 3), (Status.OPEN, 3)])
    if age_days > 3:
        return _weighted(
            rng, [(Status.SOLVED, 45), (Status.CLOSED, 10), (Status.OPEN, 25), (Status.PENDING, 15), (Status.NEW, 5)]
        )
    return _weighted(rng, [(Status.NEW, 30), (Status.OPEN, 35), (Status.PENDING, 15), (Status.SOLVED, 20)])


class _Timeline:
    """One ticket's life, step by step; steps after `now` are never written (the ticket stops there)."""

    def __init__(self, now):
        self.now = now
        self.messages: list[dict] = []
        self.events: list[dict] = []
        self.status = Status.NEW
        self.assignee = None
        self.first_response_at = None
        self.solved_at = None
        self.closed_at = None
        self.last = None
        self.stopped = False

    def at(self, when) -> bool:
        if self.stopped or when > self.now:
            self.stopped = True
            return False
        self.last = when
        return True

    def event(self, when, actor, kind, old="", new="", message_index=None):
        self.events.append(
            {"when": when, "actor": actor, "kind": kind, "old": old, "new": new, "message_index": message_index}
        )

    def message(self, when, kind, author, body, channel):
        self.messages.append({"when": when, "kind": kind, "author": author, "body": body, "channel": channel})
        return len(self.messages) - 1

    def set_status(self, when, status, actor):
        self.event(when, actor, EventKind.STATUS, self.status, status)
        self.status = status
        if status == Status.SOLVED:
            self.solved_at = when
        elif status == Status.CLOSED:
            self.closed_at = when
        elif status in (Status.OPEN, Status.PENDING):
            self.solved_at = None


def _tickets(rng, *, queues, people, customers) -> int:
    now = timezone.now()
    sla = {p.priority: p for p in SlaPolicy.objects.all()}
    agents_by_dept: dict[int, list[User]] = {}
    for user in people.values():
        dept_id = user.profile.department_id
        if user.username != "marta":
            agents_by_dept.setdefault(dept_id, []).append(user)
    leads = {
        dept_id: next(u for u in users if u.username in LEADS.values()) for dept_id, users in agents_by_dept.items()
    }
    tag_objects = {t.name: t for t in Tag.objects.all()}

    plans = []
    for _index in range(DEMO_TICKETS):
        customer = rng.choice(customers)
        family = "pt" if customer.language == "pt-br" else customer.language
        key, queue_slug, tags, subject, body, reply = rng.choice(SCENARIOS[family])
        queue = queues[queue_slug]
        # Most tickets are history; a good share is this fortnight's work, still in motion.
        age_days = rng.uniform(0, 12) if rng.random() < 0.3 else rng.triangular(0, HISTORY_DAYS, 0)
        created = now - dt.timedelta(days=age_days, minutes=rng.randint(0, 59))
        # Office hours, more or less: people write in the day, in their own zone.
        created = created.replace(hour=rng.choice([7, 8, 9, 10, 11, 13, 14, 15, 16, 19, 21]))
        if created > now:
            created = now - dt.timedelta(minutes=rng.randint(5, 300))
        priority = _weighted(rng, PRIORITY_WEIGHTS)
        if key in ("double_charge", "charged_after_cancel", "two_factor") and rng.random() < 0.5:
            priority = Priority.HIGH
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        values = {
            "order": str(rng.randint(100000, 999999)),
            "amount": f"{rng.randint(12, 480)}.{rng.choice(['00', '50', '90', '99'])}",
            "first": customer.name.split()[0],
        }
        planned = _planned_status(rng, age_days)
        staff = agents_by_dept[queue.department_id]
        assignee = rng.choices(staff, weights=[ASSIGNEE_WEIGHT.get(u.username, 1) for u in staff])[0]
        values["agent"] = assignee.first_name
        policy = sla.get(priority)
        first_minutes = policy.first_response_minutes if policy else 8 * 60
        resolution_minutes = policy.resolution_minutes if policy else 3 * 24 * 60

        t = _Timeline(now)
        t.at(created)
        first = t.message(created, MessageKind.CUSTOMER, None, body.format(**values), channel)
        t.event(created, None, EventKind.CREATED, new=channel)
        t.event(created, None, EventKind.CUSTOMER_MESSAGE, message_index=first)
        if planned != Status.NEW or rng.random() < 0.3:
            when = created + dt.timedelta(minutes=rng.randint(2, 120))
            if t.at(when):
                actor = leads[queue.department_id] if rng.random() < 0.4 else assignee
                t.event(when, actor, EventKind.ASSIGNEE, "", assignee.username)
                t.assignee = assignee
                t.event(when, actor, EventKind.STATUS, Status.NEW, Status.OPEN)
                t.status = Status.OPEN
                if rng.random() < 0.3:
                    note_at = when + dt.timedelta(minutes=rng.randint(3, 40))
                    if t.at(note_at):
                        i = t.message(
                            note_at,
                            MessageKind.NOTE,
                            assignee,
                            rng.choice(INTERNAL_NOTES).format(**values),
                            Channel.WEB,
                        )
                        t.event(note_at, assignee, EventKind.NOTE, message_index=i)
        if planned != Status.NEW and t.assignee:
            reply_at = created + dt.timedelta(minutes=max(5, int(first_minutes * rng.uniform(0.1, 1.4))))
            reply_at = max(reply_at, t.last + dt.timedelta(minutes=4))
            if t.at(reply_at):
                i = t.message(reply_at, MessageKind.REPLY, assignee, reply.format(**values), channel)
                t.event(reply_at, assignee, EventKind.REPLY, message_index=i)
                t.first_response_at = reply_at
            for _round in range(_weighted(rng, [(0, 55), (1, 35), (2, 10)])):
                back = t.last + dt.timedelta(minutes=rng.randint(90, 2 * 24 * 60))
                if not t.at(back):
                    break
                i = t.message(back, MessageKind.CUSTOMER, None, rng.choice(FOLLOW_UPS[family]), channel)
                t.event(back, None, EventKind.CUSTOMER_MESSAGE, message_index=i)
                if t.status == Status.PENDING:
                    t.set_status(back, Status.OPEN, None)
                answer = back + dt.timedelta(minutes=rng.randint(20, 24 * 60))
                if not t.at(answer):
                    break
                i = t.message(answer, MessageKind.REPLY, assignee, SECOND_REPLIES[family].format(**values), channel)
                t.event(answer, assignee, EventKind.REPLY, message_index=i)
            if planned == Status.PENDING and t.at(t.last + dt.timedelta(minutes=1)):
                t.set_status(t.last, Status.PENDING, assignee)
            elif planned == Status.OPEN and rng.random() < 0.5:
                back = t.last + dt.timedelta(minutes=rng.randint(60, 24 * 60))
                if t.at(back):
                    i = t.message(back, MessageKind.CUSTOMER, None, rng.choice(FOLLOW_UPS[family]), channel)
                    t.event(back, None, EventKind.CUSTOMER_MESSAGE, message_index=i)
            elif planned in (Status.SOLVED, Status.CLOSED):
                solve = t.last + dt.timedelta(minutes=rng.randint(10, 26 * 60))
                if t.at(solve):
                    t.set_status(solve, Status.SOLVED, assignee)
                    if rng.random() < 0.07:  # the customer writes back: reopened, answered, solved again
                        back = solve + dt.timedelta(hours=rng.randint(3, 40))
                        again = back + dt.timedelta(hours=rng.randint(1, 20))
                        if t.at(back):
                            i = t.message(back, MessageKind.CUSTOMER, None, FOLLOW_UPS[family][1], channel)
                            t.event(back, None, EventKind.CUSTOMER_MESSAGE, message_index=i)
                            t.set_status(back, Status.OPEN, None)
                        if t.at(again):
                            i = t.message(
                                again, MessageKind.REPLY, assignee, SECOND_REPLIES[family].format(**values), channel
                            )
                            t.event(again, assignee, EventKind.REPLY, message_index=i)
                            t.set_status(again, Status.SOLVED, assignee)
                    if planned == Status.CLOSED:
                        closing = t.last + dt.timedelta(days=rng.randint(3, 7))
                        if t.at(closing):
                            t.set_status(closing, Status.CLOSED, None)
        extra = ["vip"] if rng.random() < 0.08 else []
        plans.append(
            {
                "ticket": Ticket(
                    subject=subject.format(**values)[:300],
                    status=t.status,
                    priority=priority,
                    queue=queue,
                    assignee=t.assignee,
                    customer=customer,
                    channel=channel,
                    language=customer.language,
                    created_at=created,
                    updated_at=t.last,
                    first_response_at=t.first_response_at,
                    solved_at=t.solved_at,
                    closed_at=t.closed_at,
                    first_response_due=created + dt.timedelta(minutes=first_minutes),
                    resolution_due=created + dt.timedelta(minutes=resolution_minutes),
                    search_document="\n".join(
                        [subject.format(**values), f"{customer.name} {customer.email}"]
                        + [m["body"] for m in t.messages]
                    )[:100_000],
                ),
                "timeline": t,
                "tags": tags + extra,
            }
        )

    tickets = Ticket.objects.bulk_create([p["ticket"] for p in plans], batch_size=500)
    for name in {n for p in plans for n in p["tags"]} - set(tag_objects):
        tag_objects[name] = Tag.objects.get_or_create(name=name)[0]
    Ticket.tags.through.objects.bulk_create(
        [
            Ticket.tags.through(ticket_id=ticket.pk, tag_id=tag_objects[name].pk)
            for ticket, plan in zip(tickets, plans, strict=True)
            for name in sorted(set(plan["tags"]))
        ],
        batch_size=1000,
    )
    message_rows, owners = [], []
    for ticket, plan in zip(tickets, plans, strict=True):
        for m in plan["timeline"].messages:
            message_rows.append(
                Message(
                    ticket=ticket,
                    kind=m["kind"],
                    author=m["author"],
                    body=m["body"],
                    created_at=m["when"],
                    channel=m["channel"] if m["kind"] != MessageKind.NOTE else Channel.WEB,
                )
            )
            owners.append(ticket.pk)
    created_messages = Message.objects.bulk_create(message_rows, batch_size=1000)
    message_ids: dict[tuple[int, int], int] = {}
    per_ticket: dict[int, int] = {}
    for ticket_id, message in zip(owners, created_messages, strict=True):
        n = per_ticket.get(ticket_id, 0)
        message_ids[(ticket_id, n)] = message.pk
        per_ticket[ticket_id] = n + 1
    event_rows = []
    for ticket, plan in zip(tickets, plans, strict=True):
        for e in plan["timeline"].events:
            data = {}
            if e["message_index"] is not None:
                data = {"message": message_ids[(ticket.pk, e["message_index"])]}
            event_rows.append(
                TicketEvent(
                    ticket=ticket,
                    actor=e["actor"],
                    kind=e["kind"],
                    old_value=str(e["old"])[:255],
                    new_value=str(e["new"])[:255],
                    data=data,
                    created_at=e["when"],
                )
            )
    TicketEvent.objects.bulk_create(event_rows, batch_size=1000)
    return len(tickets)
