"""The workbench under load: `python -m bench workbench [--tickets N | --million] [--quick]`.

1. Loads N tickets (default 100,000) with 3 messages each into a separate PostgreSQL database
   (DATABASE_URL's name + `_bench`, or BENCH_DATABASE_URL), with COPY, a progress bar on stderr and
   a marker so the same size is loaded only once.
2. Serves the app with gunicorn as in production (DEBUG=0, several workers) with LATITUDE_BENCH=1,
   which adds an X-Query-Count header and a reference view (/bench/reference/: one indexed query
   returning 25 rows as JSON, behind the same login).
3. Logs in several clients (threads, each its own session) and measures requests/s, median and p99
   latency and SQL queries per request for the inbox, a ticket with 30 messages, a full-text search
   and the API list, each beside the reference view measured in the same run.

Extra options (read from the command line here, since `python -m bench` passes only its own):
`--million` (1,000,000 tickets), `--clients N`, `--workers N`, `--seconds S` per page, `--reload`,
`--rss-requests N` (mixed requests served before the workers' memory is read; default 10,000).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK_TICKETS = 2_000
MESSAGES_PER_TICKET = 3
THREAD_MESSAGES = 30
BATCH = 10_000
PASSWORD = "bench"
SEARCH_QUERY = "parcel damaged"
TARGETS = {"inbox": 1 / 4, "api": 1 / 4, "ticket": 1 / 10, "search": 1 / 10, "plain": 0.9}
RSS_REQUESTS = 10_000  # mixed requests served before a worker's memory is read
RSS_TARGET_MB = 200
MAX_QUERIES = 12


class BenchError(SystemExit):
    """A refusal with a message for the person running the benchmark."""

    def __init__(self, message: str):
        super().__init__(f"workbench benchmark: {message}")


# --- options and the database -------------------------------------------------------------------


def extra_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--rss-requests", type=int, default=None)
    known, _rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return known


def bench_database_url(quick: bool) -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url or not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name (the benchmark loads its data "
            "into a separate database, name_bench, and never touches yours). SQLite is not benchmarked."
        )
    if os.environ.get("BENCH_DATABASE_URL"):
        return url
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "latitude"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench{'_quick' if quick else ''}"))


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = psycopg2.connect(admin)
    except psycopg2.OperationalError as exc:
        raise BenchError(f"cannot connect to PostgreSQL at {parts.hostname}:{parts.port}: {exc}") from exc
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        LATITUDE_BENCH="1",
        CELERY_TASK_ALWAYS_EAGER="1",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        LOG_LEVEL="WARNING",
    )
    env.pop("BENCH_DATABASE_URL", None)
    return env


# --- the data -----------------------------------------------------------------------------------

FIRST = "Ana Bruno Carla Dimitris Eleni Filipe Goran Helena Ivana João Katarina Luís Marko Nikos Olga Pedro".split()
FIRST += "Quentin Rita Stefan Teresa Uroš Vasiliki Wanda Xavier Yannis Zoran Beatriz Milica Sofia Tiago".split()
LAST = "Silva Costa Papadopoulos Jovanović Santos Oliveira Nikolaidis Petrović Ferreira Georgiou Marković".split()
LAST += "Pereira Ioannou Đorđević Almeida Karagiannis Ilić Rodrigues Vlachos Stojanović Martins Lima".split()
DOMAINS = "example.com example.pt example.gr example.rs mail.example.org shop.example.net".split()
PRODUCTS = "parcel order invoice subscription refund voucher account password delivery courier".split()
PRODUCTS += "laptop headphones coffee machine printer router kettle bicycle camera".split()
SUBJECTS = [
    "Where is my {p}? Order {n}",
    "Charged twice for {p} {n}",
    "Cannot log in after password reset",
    "Refund for {p} not received",
    "{p} arrived damaged",
    "Wrong {p} delivered, order {n}",
    "Question about my invoice {n}",
    "Change the delivery address for {p}",
    "Cancel my subscription please",
    "Voucher code {n} not accepted",
    "The {p} stopped working after a week",
    "Courier left the {p} with a neighbour",
    "Need a copy of invoice {n} for my company",
    "Account locked after too many attempts",
    "Price of {p} changed after I ordered",
]
SENTENCES = [
    "I ordered the {p} on {d} and it still has not arrived.",
    "The tracking page has said 'in transit' for five days now.",
    "My card statement shows two payments for order {n}.",
    "Could you please check what happened and let me know?",
    "The box was crushed and the {p} inside is damaged.",
    "I have attached a photo of the label.",
    "This is the second time I am writing about this.",
    "I would like a refund rather than a replacement.",
    "The courier says they delivered it but nobody rang the bell.",
    "Please send the invoice with my company's tax number.",
    "I tried resetting my password but the link had expired.",
    "Thank you for your help, it is much appreciated.",
    "Is there a phone number where I can reach you?",
    "I need this sorted before the weekend if possible.",
    "The voucher was a gift from a friend and it says it is invalid.",
    "We have been customers for years and never had a problem before.",
]
REPLIES = [
    "Thank you for writing to us. I have looked into order {n} and",
    "I am sorry about the trouble with your {p}.",
    "I have asked the courier for a delivery report.",
    "The duplicate payment has been refunded; it takes 3 to 5 working days to show.",
    "A replacement {p} is on its way; you will receive the tracking number by e-mail.",
    "Could you send us a photo of the damage so we can file a claim?",
    "I have unlocked your account; please try the reset link again.",
    "Your invoice with the tax number is attached.",
]
NOTES = [
    "Checked with the warehouse: the {p} left on {d}.",
    "Customer has written before about order {n}; be gentle.",
    "Courier claim filed, reference {n}.",
    "Refund approved by the lead.",
]
STATUS_WEIGHTS = [("new", 10), ("open", 25), ("pending", 15), ("solved", 30), ("closed", 20)]
PRIORITY_WEIGHTS = [("low", 20), ("normal", 55), ("high", 20), ("urgent", 5)]
LANGUAGE_WEIGHTS = [("en", 70), ("pt", 12), ("el", 8), ("sr-latn", 6), ("pt-br", 4)]
DEPARTMENTS = [
    ("Support", "support", ["General support", "Accounts", "Returns"]),
    ("Billing", "billing", ["Invoices", "Payments", "Refunds"]),
    ("Shipping", "shipping", ["Deliveries", "Damaged goods", "Couriers"]),
    ("Technical", "technical", ["Devices", "Website", "Integrations"]),
]
AGENTS_PER_DEPARTMENT = 10


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        p=rng.choice(PRODUCTS),
        n=f"#{rng.randint(100000, 999999)}",
        d=f"{rng.randint(1, 28)} {rng.choice(['May', 'June', 'July'])}",
    )


class Copier:
    """Rows into a table with COPY, in batches; the column list comes from the model, so fields added
    later (with Python defaults) are filled from their defaults."""

    def __init__(self, cursor, model, values: dict):
        self.cursor = cursor
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.buffer = io.StringIO()
        self.rows = 0
        self.defaults = {}
        for field in self.fields:
            if field.attname in values:
                continue
            if field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
            else:
                raise BenchError(f"{self.table}.{field.attname} has no default: teach bench/workbench.py about it")

    @staticmethod
    def encode(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def add(self, row: dict) -> None:
        self.buffer.write("\t".join(self.encode(row.get(f.attname, self.defaults.get(f.attname))) for f in self.fields))
        self.buffer.write("\n")
        self.rows += 1
        if self.rows % BATCH == 0:
            self.flush()

    def flush(self) -> None:
        if not self.buffer.tell():
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        self.cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN', self.buffer)
        self.buffer = io.StringIO()


class Progress:
    def __init__(self, total: int, label: str):
        self.total, self.label, self.done, self.started = total, label, 0, time.monotonic()
        self.shown = -1

    def advance(self, n: int = 1) -> None:
        self.done += n
        percent = int(100 * self.done / self.total) if self.total else 100
        # Redraw in steps of 2%: a terminal sees it move, a CI log stays short.
        if percent != self.shown and (percent % 2 == 0 or percent == 100):
            self.shown = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(
                f"\r{self.label} [{bar:<25}] {percent:3d}% {self.done:,}/{self.total:,} "
                f"{time.monotonic() - self.started:5.1f}s"
            )
            sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")


def load(tickets: int, reload: bool = False) -> dict:
    """Runs inside a Django process pointed at the bench database (see `main` below)."""

    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_marker (tickets integer, info jsonb)")
        cur.execute("SELECT tickets, info FROM bench_marker")
        row = cur.fetchone()
    if row and row[0] == tickets and not reload:
        info = row[1] if isinstance(row[1], dict) else json.loads(row[1])
        sys.stderr.write(f"reusing the {tickets:,} tickets already loaded (--reload to load again)\n")
        return {**info, "reused": True}

    # One transaction: the foreign keys (deferred) are checked at commit, and a load that fails
    # half-way leaves no marker behind.
    with transaction.atomic():
        return _fill_database(tickets)


def _fill_database(tickets: int) -> dict:
    import datetime as dt

    from django.contrib.auth.models import Group, User
    from django.db import connection, transaction
    from django.utils import timezone

    from tickets import services
    from tickets.models import Customer, Department, Message, Profile, Queue, SlaPolicy, Tag, Ticket

    started = time.monotonic()
    rng = random.Random(20261123)
    now = timezone.now()
    sys.stderr.write(f"loading {tickets:,} tickets with {tickets * MESSAGES_PER_TICKET:,} messages\n")
    with connection.cursor() as cur:
        tables = ", ".join(
            f'"{m._meta.db_table}"' for m in (Message, Ticket, Customer, Tag, Queue, Department, Profile, User)
        )
        cur.execute(f"TRUNCATE {tables}, bench_marker RESTART IDENTITY CASCADE")

    # People, departments and queues through the ORM: a few dozen rows.
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ("agent", "lead", "manager", "admin")}
    manager = User.objects.create_user("bench_manager", password=PASSWORD, first_name="Mira", last_name="Manager")
    manager.groups.add(groups["manager"])
    Profile.objects.create(user=manager)
    password_hash = manager.password  # one hash for everyone: hashing 40 passwords would dominate the setup
    queues_by_department: dict[int, list[int]] = {}
    agents_by_department: dict[int, list[int]] = {}
    agent_names: list[str] = []
    for d_index, (name, slug, queue_names) in enumerate(DEPARTMENTS):
        department = Department.objects.create(name=name, slug=slug, manager=manager)
        queues_by_department[department.pk] = [
            Queue.objects.create(name=q, slug=re.sub(r"\W+", "-", q.lower()), department=department).pk
            for q in queue_names
        ]
        agents = []
        for i in range(AGENTS_PER_DEPARTMENT):
            username = f"bench_{slug}_{i + 1}"
            user = User.objects.create(
                username=username,
                password=password_hash,
                first_name=FIRST[(d_index * 7 + i) % len(FIRST)],
                last_name=LAST[(d_index * 5 + i) % len(LAST)],
                email=f"{username}@latitude.example",
            )
            user.groups.add(groups["lead" if i == 0 else "agent"])
            Profile.objects.create(user=user, department=department)
            agents.append(user.pk)
            agent_names.append(username)
        if agents:
            department.lead_id = agents[0]
            department.save(update_fields=["lead"])
        agents_by_department[department.pk] = agents
    tags = [Tag.objects.create(name=t).pk for t in ("vip", "refund", "courier", "b2b", "complaint", "follow-up")]
    policies = {p.priority: p for p in SlaPolicy.objects.all()}

    with connection.cursor() as cur:
        raw = cur.connection.cursor()  # psycopg2's own cursor: copy_expert
        customers = max(tickets // 4, 10)
        progress = Progress(customers, "customers")
        copier = Copier(raw, Customer, {"id", "name", "email", "language", "organisation", "notes", "created_at"})
        customer_rows = []
        for i in range(1, customers + 1):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = f"{name.split()[0].lower()}.{i}@{rng.choice(DOMAINS)}"
            language = _weighted(rng, LANGUAGE_WEIGHTS)
            customer_rows.append((name, email, language))
            copier.add(
                {
                    "id": i,
                    "name": name,
                    "email": email,
                    "language": language,
                    "organisation": "",
                    "notes": "",
                    "created_at": now - dt.timedelta(days=400),
                }
            )
            progress.advance()
        copier.flush()
        progress.finish()

        ticket_fields = {
            "id", "subject", "status", "priority", "queue_id", "assignee_id", "customer_id", "channel", "language",
            "created_at", "updated_at", "first_response_at", "solved_at", "closed_at", "first_response_due",
            "resolution_due", "search_document",
        }  # fmt: skip
        message_fields = {"id", "ticket_id", "kind", "author_id", "body", "created_at", "channel"}
        ticket_copier = Copier(raw, Ticket, ticket_fields)
        message_copier = Copier(raw, Message, message_fields)
        tag_buffer = io.StringIO()
        department_ids = list(queues_by_department)
        progress = Progress(tickets, "tickets  ")
        message_id = 0
        for ticket_id in range(1, tickets + 1):
            department_id = rng.choice(department_ids)
            queue_id = rng.choice(queues_by_department[department_id])
            customer_id = rng.randint(1, customers)
            c_name, c_email, c_language = customer_rows[customer_id - 1]
            status = _weighted(rng, STATUS_WEIGHTS)
            priority = _weighted(rng, PRIORITY_WEIGHTS)
            created = now - dt.timedelta(minutes=rng.randint(10, 180 * 24 * 60))
            subject = _fill(rng, rng.choice(SUBJECTS))
            subject = subject[0].upper() + subject[1:]
            bodies = [" ".join(_fill(rng, s) for s in rng.sample(SENTENCES, rng.randint(2, 4)))]
            kinds = ["customer"]
            assignee = (
                rng.choice(agents_by_department[department_id]) if status != "new" or rng.random() < 0.3 else None
            )
            for m in range(1, MESSAGES_PER_TICKET):
                if status == "new":
                    kinds.append("customer")
                    bodies.append(" ".join(_fill(rng, s) for s in rng.sample(SENTENCES, 2)))
                elif m == 1 or rng.random() < 0.5:
                    kinds.append("reply")
                    bodies.append(" ".join(_fill(rng, s) for s in rng.sample(REPLIES, 2)))
                else:
                    kinds.append("note")
                    bodies.append(_fill(rng, rng.choice(NOTES)))
            times = sorted(created + dt.timedelta(minutes=rng.randint(0, 3 * 24 * 60)) for _ in kinds[1:])
            times = [created, *times]
            updated = min(times[-1], now)
            first_reply = next((t for t, k in zip(times, kinds, strict=True) if k == "reply"), None)
            policy = policies.get(priority)
            for body, kind, at in zip(bodies, kinds, times, strict=True):
                message_id += 1
                message_copier.add(
                    {
                        "id": message_id,
                        "ticket_id": ticket_id,
                        "kind": kind,
                        "author_id": assignee if kind != "customer" else None,
                        "body": body,
                        "created_at": at,
                        "channel": "email",
                    }
                )
            ticket_copier.add(
                {
                    "id": ticket_id,
                    "subject": subject,
                    "status": status,
                    "priority": priority,
                    "queue_id": queue_id,
                    "assignee_id": assignee,
                    "customer_id": customer_id,
                    "channel": rng.choice(["email", "email", "email", "web", "web", "phone", "api"]),
                    "language": c_language,
                    "created_at": created,
                    "updated_at": updated,
                    "first_response_at": first_reply,
                    "solved_at": updated if status in ("solved", "closed") else None,
                    "closed_at": updated if status == "closed" else None,
                    "first_response_due": created + dt.timedelta(minutes=policy.first_response_minutes)
                    if policy
                    else None,
                    "resolution_due": created + dt.timedelta(minutes=policy.resolution_minutes) if policy else None,
                    "search_document": "\n".join([subject, f"{c_name} {c_email}", *bodies]),
                }
            )
            if rng.random() < 0.3:
                tag_buffer.write(f"{ticket_id}\t{rng.choice(tags)}\n")
            progress.advance()
        ticket_copier.flush()
        message_copier.flush()
        tag_buffer.seek(0)
        raw.copy_expert(f'COPY "{Ticket.tags.through._meta.db_table}" (ticket_id, tag_id) FROM STDIN', tag_buffer)
        progress.finish()
        for model in (Customer, Ticket, Message):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f'(SELECT max(id) FROM "{model._meta.db_table}"))'
            )

    # The ticket page under test: a real thread of 30 messages written through the services.
    agent = User.objects.get(username="bench_support_2")
    support_queue = Queue.objects.filter(department__slug="support").order_by("id").first()
    with transaction.atomic():
        thread = services.create_ticket(
            subject="Parcel damaged twice, third replacement needed",
            body=" ".join(SENTENCES[:4]),
            customer_email="long.thread@example.com",
            customer_name="Teresa Long-Thread",
            queue=support_queue,
        )
        services.assign_ticket(ticket=thread, assignee=agent, by=agent)
    for i in range(THREAD_MESSAGES - 1):
        if i % 3 == 2:
            services.add_message(ticket=thread, by=agent, body=_fill(rng, rng.choice(NOTES)), internal=True)
        elif i % 3 == 1:
            services.add_customer_message(ticket=thread, body=" ".join(_fill(rng, s) for s in SENTENCES[4:7]))
        else:
            services.add_message(ticket=thread, by=agent, body=" ".join(_fill(rng, s) for s in REPLIES[:3]))

    info = {
        "thread_ticket": thread.pk,
        "agents": [name for name in agent_names if name.startswith("bench_support_")],
        "load_seconds": round(time.monotonic() - started, 1),
    }
    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_marker (tickets, info) VALUES (%s, %s)", [tickets, json.dumps(info)])
    sys.stderr.write(f"loaded in {info['load_seconds']} s\n")
    return {**info, "reused": False}


# --- the load driver ----------------------------------------------------------------------------


class Client:
    """One logged-in browser: its own connection and cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            # gunicorn's sync workers close the connection after each response: reconnect and retry once.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response, data

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        token = self.cookies.get("csrftoken")
        if not token:
            raise BenchError("the login page set no CSRF cookie")
        body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"could not log in as {username} (HTTP {response.status})")


class Sample:
    """Latencies, query counts and wall time of one page, gathered over several rounds."""

    def __init__(self):
        self.latencies: list[float] = []
        self.queries: list[int] = []
        self.errors: list[str] = []
        self.wall = 0.0

    def summary(self, path: str) -> dict:
        if not self.latencies:
            raise BenchError(f"no successful request to {path}: {self.errors[:5]}")
        latencies = sorted(self.latencies)
        return {
            "requests": len(latencies),
            "errors": len(self.errors),
            "rps": len(latencies) / self.wall,
            "median_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "queries": statistics.median_low(self.queries),
            "max_queries": max(self.queries),
        }


def warm_up(clients: list[Client], path: str) -> None:
    """First hits compile templates, fill caches and open connections; they are not counted."""
    for client in clients:
        response, data = client.request("GET", path)
        if response.status != 200:
            raise BenchError(f"GET {path} answered {response.status}: {data[:300]!r}")


def measure(clients: list[Client], path: str, seconds: float, max_requests: int, sample: Sample) -> None:
    """All clients request `path` in a loop until the time or the request budget is spent."""
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    def work(client: Client) -> None:
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            start = time.perf_counter()
            response, _ = client.request("GET", path)
            elapsed = time.perf_counter() - start
            with lock:
                if response.status == 200:
                    sample.latencies.append(elapsed)
                    sample.queries.append(int(response.getheader("X-Query-Count", "-1")))
                else:
                    sample.errors.append(str(response.status))

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.wall += time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "helpdesk.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop(process)
    raise BenchError("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its workers gracefully
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def child_json(env: dict, *args: str, module: str = "bench.workbench") -> dict:
    """`python -m MODULE ARGS` in a Django process on the bench database: its last line, as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args) -> list[dict]:
    extra = extra_options()
    quick = bool(getattr(args, "quick", False))
    tickets = 1_000_000 if extra.million else (QUICK_TICKETS if quick else int(args.tickets))
    clients_n = extra.clients or 8
    workers = extra.workers or (2 if quick else 4)
    seconds = extra.seconds or (2.0 if quick else 30.0)
    rounds = 1 if quick else 3
    max_requests = 200 if quick else 20_000
    rss_requests = extra.rss_requests if extra.rss_requests is not None else (200 if quick else RSS_REQUESTS)
    url = bench_database_url(quick)
    ensure_database(url)
    env = bench_env(url)

    started = time.monotonic()
    sys.stderr.write(f"migrating {urllib.parse.urlsplit(url).path.lstrip('/')}…\n")
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    info = child_json(env, "load", str(tickets), *(["--reload"] if extra.reload else []))
    setup_seconds = time.monotonic() - started

    port, plain_port = free_port(), free_port()
    sys.stderr.write(f"gunicorn: {workers} workers on 127.0.0.1:{port}; {clients_n} clients, {seconds:g} s per page\n")
    server = start_gunicorn(env, port, workers)
    # The same reference view with Django's default middleware only: what Latitude's stack costs.
    plain = start_gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench._plain_settings"}, plain_port, workers)
    try:
        clients = [Client(port) for _ in range(clients_n)]
        agents = info["agents"][1:] or info["agents"]  # agents, not the lead (index 0)
        for i, client in enumerate(clients):
            client.login(agents[i % len(agents)], PASSWORD)
        plain_clients = [Client(plain_port) for _ in range(clients_n)]
        for client, twin in zip(plain_clients, clients, strict=True):
            client.cookies = dict(twin.cookies)  # the same session (sessions live in the shared database)
        pages = [
            ("reference", "/bench/reference/", "one indexed query, 25 rows as JSON", clients),
            ("plain", "/bench/reference/", "the reference view, Django's default middleware only", plain_clients),
            ("inbox", "/", "25 rows, HTML", clients),
            ("ticket", f"/tickets/{info['thread_ticket']}/", f"{THREAD_MESSAGES} messages, HTML", clients),
            (
                "search",
                "/?" + urllib.parse.urlencode({"q": SEARCH_QUERY}),
                f"full-text “{SEARCH_QUERY}”, HTML",
                clients,
            ),
            ("api", "/api/tickets/", "25 rows, JSON", clients),
        ]
        samples = {name: Sample() for name, _path, _note, _clients in pages}
        for _name, path, _note, group in pages:
            warm_up(group, path)
        # Rounds interleave the pages, so a neighbour's load on the machine hits them all alike.
        for round_no in range(rounds):
            sys.stderr.write(f"  round {round_no + 1}/{rounds}\n")
            for name, path, _note, group in pages:
                measure(group, path, seconds / rounds, max_requests // rounds, samples[name])
        results = {name: samples[name].summary(path) for name, path, _note, _clients in pages}
        served = sum(len(samples[name].latencies) for name, _path, _note, group in pages if group is clients)
        memory = worker_memory(clients, [p for n, p, _note, g in pages if g is clients], rss_requests, served, server)
    finally:
        stop(server)
        stop(plain)
    search_alone = child_json(env, "searchtime", agents[0])

    reference_rps = results["reference"]["rps"]
    rows = [
        {
            "benchmark": "workbench",
            "measure": "data",
            "value": f"{tickets:,}",
            "unit": "tickets",
            "note": f"{tickets * MESSAGES_PER_TICKET:,} messages; "
            + (
                f"reused (loaded in {info['load_seconds']} s)"
                if info["reused"]
                else f"loaded in {info['load_seconds']} s"
            )
            + f"; setup {setup_seconds:.0f} s",
        }
    ]
    for name, path, note, _clients in pages:
        result = results[name]
        is_reference = name in ("reference", "plain")
        target = TARGETS.get(name)
        # The full stack's reference is measured against the default-middleware one; the pages against it.
        ratio = reference_rps / result["rps"] if name == "plain" else result["rps"] / reference_rps
        label = f"{name} {path}" if len(path) < 40 else name
        rows.append(
            {
                "benchmark": label,
                "measure": "throughput",
                "value": f"{result['rps']:.1f}",
                "unit": "req/s",
                "reference": f"{reference_rps:.1f}",
                "ratio": f"{ratio:.2f}",
                "note": note
                + ("; ratio = full stack ÷ this" if name == "plain" else "")
                + (f"; target ≥ {target:.2f} {'met' if ratio >= target else 'MISSED'}" if target else "")
                + (f"; {result['errors']} errors" if result["errors"] else ""),
            }
        )
        rows.append(
            {"benchmark": label, "measure": "median latency", "value": f"{result['median_ms']:.1f}", "unit": "ms"}
        )
        rows.append({"benchmark": label, "measure": "p99 latency", "value": f"{result['p99_ms']:.1f}", "unit": "ms"})
        rows.append(
            {
                "benchmark": label,
                "measure": "SQL queries",
                "value": str(result["queries"]),
                "unit": "per request",
                "note": f"median; max {result['max_queries']}"
                + (
                    ""
                    if is_reference
                    else f"; target ≤ {MAX_QUERIES} {'met' if result['queries'] <= MAX_QUERIES else 'MISSED'}"
                ),
            }
        )
    rows.append(
        {
            "benchmark": "search query alone",
            "measure": "median / p95",
            "value": f"{search_alone['median_ms']:.1f} / {search_alone['p95_ms']:.1f}",
            "unit": "ms",
            "reference": f"< {SEARCH_QUERY_TARGET_MS}",
            "note": f"the search page's page of 25 and capped count for “{SEARCH_QUERY}” "
            f"({search_alone['count']:,} matches), {SEARCH_QUERY_RUNS} runs, no HTTP; target "
            + ("met" if search_alone["median_ms"] < SEARCH_QUERY_TARGET_MS else "MISSED"),
        }
    )
    rows.append(
        {
            "benchmark": "gunicorn worker",
            "measure": "RSS after mixed requests",
            "value": f"{memory['max_mb']:.0f}",
            "unit": "MB",
            "reference": f"< {RSS_TARGET_MB}",
            "note": f"largest of {memory['workers']} workers after {memory['requests']:,} requests "
            + f"(all pages; median {memory['median_mb']:.0f} MB); target "
            + ("met" if memory["max_mb"] < RSS_TARGET_MB else "MISSED"),
        }
    )
    return rows


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker_memory(clients: list, paths: list[str], total: int, served: int, server: subprocess.Popen) -> dict:
    """Tops the requests already served up to `total` with the pages in turn, then reads each worker's RSS."""
    remaining = max(0, total - served)
    if remaining:
        sys.stderr.write(f"  {remaining:,} more mixed requests before reading the workers' memory\n")
        sample = Sample()
        per_path = -(-remaining // len(paths))
        for path in paths:
            measure(clients, path, 3600, per_path, sample)
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    sizes = sorted(_rss_mb(int(pid)) for pid in children)
    return {
        "workers": len(sizes),
        "requests": max(total, served),
        "max_mb": sizes[-1] if sizes else 0.0,
        "median_mb": statistics.median(sizes) if sizes else 0.0,
    }


SEARCH_QUERY_RUNS = 30
SEARCH_QUERY_TARGET_MS = 50


def time_search_query(username: str, runs: int = SEARCH_QUERY_RUNS) -> dict:
    """The search page's own queries alone — its page of 25 and its capped count, as the inbox view
    runs them for this agent — timed in a Django process (no HTTP, no template)."""
    from django.contrib.auth.models import User
    from django.http import QueryDict

    from tickets import selectors, views_saved
    from tickets.forms import InboxFilterForm

    user = User.objects.get(username=username)
    form = InboxFilterForm(QueryDict(urllib.parse.urlencode({"q": SEARCH_QUERY})), user=user)
    filters = form.filters()
    timings = []
    for _ in range(runs + 2):
        started = time.perf_counter()
        paginator = views_saved.SearchPaginator(selectors.inbox_tickets(user, filters), 25)
        page = paginator.get_page(1)
        rows = len(list(page))
        timings.append((time.perf_counter() - started) * 1000)
    timings = sorted(timings[2:])  # the first two warm the caches
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "rows": rows,
        "count": paginator.count,
    }


def main(argv: list[str]) -> int:
    """`python -m bench.workbench load N [--reload]`: the loader, run in a Django process;
    `python -m bench.workbench searchtime USERNAME`: the search page's queries alone."""
    if len(argv) < 2 or argv[0] not in ("load", "searchtime"):
        print(__doc__, file=sys.stderr)
        return 2
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    if argv[0] == "searchtime":
        print(json.dumps(time_search_query(argv[1])))
        return 0
    info = load(int(argv[1]), reload="--reload" in argv)
    if not info["reused"]:
        # What autovacuum does on a live database: statistics for the planner, and the visibility
        # map that lets counts use index-only scans. Outside the load's transaction, as VACUUM must be.
        from django.db import connection

        sys.stderr.write("vacuum analyze…\n")
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
