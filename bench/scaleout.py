"""Scale-out under fire: `python -m bench scaleout [--quick] [--minutes M] [--agents N]`.

Deploys Latitude on this machine as docs/deploy.md describes, every part a real process on 127.0.0.1:
a PostgreSQL primary of its own (initdb) with a streaming replica (pg_basebackup -R), pgbouncer in
transaction mode, Redis, HAProxy in front of two `bin/web` nodes, two `bin/worker`, one `bin/beat`,
and an aiosmtpd sink that counts every e-mail by Message-ID. It loads 1,000,000 tickets (`--quick`:
20,000) with the workbench's COPY loader, logs in N agents (default 50; threads with `requests`
sessions) and runs a mix — inbox, ticket page, search, reply, solve, off-script request, and for the
department leads their dashboard, read from the replica — for M minutes (default 5). Meanwhile:

- a lead solves a backlog at once (a batch of surveys falls due, sent by the sweeper in batches);
- `kill -9` of web-1 (HAProxy routes around it; only requests in flight on it may fail), restarted
  later and shown taking traffic again;
- `kill -9` of the worker sending a survey batch, mid-batch (the sink holds its connection after a few
  messages; see helpdesk.testing.smtp.SmtpSink), restarted a few seconds later.

After the run it waits (up to `--grace` seconds) until every e-mail the database says should go out
has arrived, then prints requests/s, median/p95/p99 per page, failed requests and why, e-mails
expected/received/duplicated/lost, replica lag and the timeline of kills and restarts.

Ports: free ones, or from BENCH_PORTS=lo-hi. `--tickets N` loads N tickets instead (the test uses a
tiny size). The sweepers run every 10 s here (set in the beat's schedule, as an admin could) and a
row left "sending" is taken back after 20 s, so recovery shows within a short run.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench._agents import Agent, Tickets, agent_accounts

ROOT = Path(__file__).resolve().parent.parent
FULL_TICKETS = 1_000_000
QUICK_TICKETS = 20_000
DATABASE = "latitude"
WEB_NODES = 2
WEB_CONCURRENCY = 2  # gunicorn workers per node
WORKERS = 2
WORKER_CONCURRENCY = 2
SWEEP_SECONDS = 5  # the mail and survey sweepers' interval in this deployment
MAIL_STUCK_SECONDS = 15
SURVEY_IN_FLIGHT_SECONDS = 15
PEAK_WINDOW = 5  # seconds: the busiest window of e-mail at the sink
BULK_REQUEST = 20  # tickets per bulk solve request (100 at once outlasts gunicorn's 30 s on a busy machine)
HOLD_AFTER = 5  # the worker is killed after this many e-mails of a batch went through its connection
PAGES = ["inbox", "ticket", "search", "reply", "solve", "offscript", "dashboard", "bulk solve"]


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"scaleout benchmark: {message}")


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds an agent waits between actions")
    parser.add_argument("--grace", type=float, default=240.0, help="seconds to wait for e-mail after the run")
    parser.add_argument("--tickets", type=int, default=None)
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "scaleout"), help="the primary's files, kept")
    known, _rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return known


class Ports:
    """Free TCP ports on 127.0.0.1, from BENCH_PORTS=lo-hi when set (each engineer has a range)."""

    def __init__(self, spec: str = ""):
        lo, _, hi = spec.partition("-")
        self.next, self.hi = (int(lo), int(hi)) if spec else (0, 0)

    def take(self) -> int:
        from helpdesk.testing import free_port

        if not self.next:
            return free_port()
        while self.next <= self.hi:
            port, self.next = self.next, self.next + 1
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
        raise BenchError("no free port left in BENCH_PORTS")


# --- the deployment -------------------------------------------------------------------------------


def _sql(url: str, query: str, params=()) -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


_STARTED = time.monotonic()


def _say(message: str) -> None:
    sys.stderr.write(f"[{time.monotonic() - _STARTED:6.1f}s] {message}\n")
    sys.stderr.flush()


class Timeline:
    def __init__(self):
        self.zero = time.time()
        self.events: list[tuple[float, str]] = []

    def at(self, when: float, what: str) -> None:
        self.events.append((when - self.zero, what))
        _say(f"  +{when - self.zero:6.1f}s  {what}")

    def now(self, what: str) -> None:
        self.at(time.time(), what)


@dataclass
class Deployment:
    primary: object
    replica: object
    web: list
    web_ports: list[int]
    workers: list
    balancer: object
    sink: object
    database_url: str
    loaded: dict
    setup_seconds: float


def deploy(stack: ExitStack, *, tickets: int, ports: Ports, logs: str, survey_delay: int, data_dir: Path) -> Deployment:
    from helpdesk.testing.deploy import Entrypoint, base_env, run
    from helpdesk.testing.servers import HAProxy, PgBouncer, PgCluster, RedisServer
    from helpdesk.testing.smtp import SmtpSink

    for what, ok in (
        ("PostgreSQL server binaries (initdb, pg_basebackup)", PgCluster.available()),
        ("pgbouncer", PgBouncer.available()),
        ("redis-server", RedisServer.available()),
        ("haproxy", HAProxy.available()),
    ):
        if not ok:
            raise BenchError(f"{what} is not installed (.ci/run installs it)")
    started = time.monotonic()
    _say("primary PostgreSQL (initdb), Redis, pgbouncer, bin/release…")
    primary = PgCluster(port=ports.take(), path=data_dir / f"primary-{tickets}")
    stack.callback(primary.stop)
    primary.start()
    if not primary.sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
        primary.sql(f"CREATE DATABASE {DATABASE}")
    direct = primary.url(DATABASE)
    redis = RedisServer(port=ports.take())
    stack.callback(redis.stop)
    redis.start()
    bouncer = PgBouncer(pg_port=primary.port, port=ports.take(), pool_size=20, max_client_conn=400)
    stack.callback(bouncer.stop)
    bouncer.start()
    balancer_port = ports.take()
    env = base_env(
        PYTHON=sys.executable,
        LATITUDE_PRODUCTION="1",
        SECRET_KEY=f"scaleout-{os.urandom(16).hex()}",
        DATABASE_URL=direct,
        REDIS_URL=redis.url(0),
        SITE_URL=f"http://127.0.0.1:{balancer_port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    release = run("release", env=env, timeout=900)
    if release.returncode != 0:
        raise BenchError(f"bin/release failed:\n{release.stderr[-3000:]}")
    _say(f"loading {tickets:,} tickets (the workbench's loader)…")
    loader = subprocess.run(
        [sys.executable, "-m", "bench.workbench", "load", str(tickets)],
        cwd=ROOT,
        env={**env, "REDIS_URL": "", "LATITUDE_PRODUCTION": "0", "CELERY_TASK_ALWAYS_EAGER": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    if loader.returncode != 0:
        raise BenchError("the workbench loader failed (its output is above)")
    loaded = json.loads(loader.stdout.strip().splitlines()[-1])
    # The sweepers every SWEEP_SECONDS, as an admin would set them in django-celery-beat's schedule.
    [(interval,)] = _sql(
        direct, "INSERT INTO django_celery_beat_intervalschedule (every, period) VALUES (%s, 'seconds') RETURNING id",
        [SWEEP_SECONDS],
    )  # fmt: skip
    _sql(
        direct,
        "UPDATE django_celery_beat_periodictask SET interval_id = %s WHERE task IN %s",
        [interval, ("mailroom.sweep_outbound", "feedback.sweep_surveys")],
    )

    _say("streaming replica (pg_basebackup -R)…")
    replica = PgCluster(replica_of=primary, port=ports.take())
    stack.callback(replica.stop)
    replica.start()

    sink = SmtpSink(ports=[ports.take() for _ in range(WORKERS)])
    stack.callback(sink.stop)
    sink.start()
    node_env = {
        **env,
        "DATABASE_URL": bouncer.url(DATABASE),
        "DATABASE_POOLER": "pgbouncer",
        "DATABASE_REPLICA_URL": replica.url(DATABASE),
        "LATITUDE_BENCH": "1",  # X-Query-Databases: which alias served the queries
        "SURVEY_DELAY_SECONDS": str(survey_delay),
        "SURVEY_ETA_MAX_SECONDS": "0",  # every survey through the sweeper, in batches, as with the default 1 h delay
        "SURVEY_IN_FLIGHT_SECONDS": str(SURVEY_IN_FLIGHT_SECONDS),
        "MAIL_STUCK_AFTER_SECONDS": str(MAIL_STUCK_SECONDS),
    }
    _say(f"{WEB_NODES} web nodes × {WEB_CONCURRENCY} gunicorn workers, {WORKERS} workers, beat, HAProxy…")
    web_ports = [ports.take() for _ in range(WEB_NODES)]
    web = [
        Entrypoint("web", env={**node_env, "PORT": str(port), "WEB_CONCURRENCY": str(WEB_CONCURRENCY)}, log_dir=logs)
        for port in web_ports
    ]
    workers = [
        Entrypoint(
            "worker",
            env={
                **node_env,
                "EMAIL_URL": sink.url(i),  # one sink port per worker: the sink knows whose connection it holds
                "WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
                "WORKER_NAME": f"worker-{i + 1}",
            },
            log_dir=logs,
        )
        for i in range(WORKERS)
    ]
    beat = Entrypoint("beat", env=node_env, log_dir=logs)
    for process in (*web, *workers, beat):  # all booting at once, then each waited for
        stack.callback(process.stop)
        process.start()
    for node, port in zip(web, web_ports, strict=True):
        node.wait_http(port, timeout=240)
    for worker in workers:
        worker.wait_log(" ready.", timeout=240)
    beat.wait_log("beat: Starting", timeout=240)
    balancer = HAProxy(
        {f"web-{i + 1}": port for i, port in enumerate(web_ports)}, port=balancer_port, maxconn=WEB_CONCURRENCY
    )
    balancer.stats_port = ports.take()
    stack.callback(balancer.stop)
    balancer.start()
    return Deployment(
        primary=primary,
        replica=replica,
        web=web,
        web_ports=web_ports,
        workers=workers,
        balancer=balancer,
        sink=sink,
        database_url=direct,
        loaded=loaded,
        setup_seconds=time.monotonic() - started,
    )


# --- the run --------------------------------------------------------------------------------------


def open_tickets(url: str) -> dict[str, list[int]]:
    rows = _sql(
        url,
        "SELECT d.slug, t.id FROM tickets_ticket t JOIN tickets_queue q ON q.id = t.queue_id "
        "JOIN tickets_department d ON d.id = q.department_id WHERE t.status IN ('new', 'open', 'pending')",
    )
    found: dict[str, list[int]] = defaultdict(list)
    for slug, pk in rows:
        found[slug].append(pk)
    for ids in found.values():
        random.Random(14).shuffle(ids)
    return found


def replica_lag(url: str) -> tuple[int, float] | None:
    rows = _sql(
        url,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
        "COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float FROM pg_stat_replication",
    )
    return (int(rows[0][0] or 0), float(rows[0][1])) if rows else None


def mail_marks(url: str) -> tuple[int, int]:
    """The last outbound e-mail and survey ids before the run: what comes after is the run's."""
    [(mail, survey)] = _sql(
        url,
        "SELECT COALESCE((SELECT max(id) FROM mailroom_outboundemail), 0), COALESCE((SELECT max(id) FROM feedback_survey), 0)",
    )
    return mail, survey


def mail_expected(url: str, marks: tuple[int, int]) -> tuple[dict[str, str], int]:
    """Message-ID -> kind of every e-mail the run queued, and how many surveys are due but not yet handed
    to the mail (expected too: a lost survey would otherwise never show)."""
    rows = _sql(url, "SELECT message_id, kind FROM mailroom_outboundemail WHERE id > %s", [marks[0]])
    [(waiting,)] = _sql(url, "SELECT count(*) FROM feedback_survey WHERE id > %s AND status = 'scheduled'", [marks[1]])
    return {mid: kind for mid, kind in rows}, waiting


class Run:
    def __init__(self, d: Deployment, *, agents: list[Agent], seconds: float, bulk: int, timeline: Timeline):
        self.d, self.agents, self.seconds, self.bulk, self.timeline = d, agents, seconds, bulk, timeline
        self.lag: list[tuple[int, float]] = []
        self.killed_web: tuple[float, float] | None = None
        self.web_restarted: float | None = None
        self.worker_killed: float | None = None
        self.worker_restarted: float | None = None
        self.worker_note = ""
        self.states: dict[str, str] = {}
        self.background: list[threading.Thread] = []
        self.errors: list[str] = []
        self.bulk_done = False

    def _in_background(self, fn) -> None:
        def wrapped():
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - reported in the table
                self.errors.append(f"{type(exc).__name__}: {exc}"[:500])

        thread = threading.Thread(target=wrapped, daemon=True)
        thread.start()
        self.background.append(thread)

    def bulk_solve(self) -> None:
        lead = next(a for a in self.agents if a.lead)
        solved = 0
        for start in range(0, self.bulk, BULK_REQUEST):
            ids = lead.tickets.take(lead.department, min(BULK_REQUEST, self.bulk - start))
            body = {"ids": ids, "changes": {"status": "solved"}}
            hit = lead.request("bulk solve", "POST", "/api/tickets/bulk/", json=body)
            solved += len(ids) if hit.ok else 0
        self.timeline.now(f"{lead.username} has bulk-solved {solved} tickets: their surveys fall due together")
        self.bulk_done = True

    def restart_web(self, index: int) -> None:
        node, port = self.d.web[index], self.d.web_ports[index]
        node.start(wait_http=port, timeout=180)
        self.web_restarted = time.time()
        self.timeline.now(f"web-{index + 1} restarted (bin/web answers /livez)")

    def kill_worker(self, index: int, note: str) -> None:
        self.d.workers[index].kill()
        self.worker_killed = time.time()
        self.worker_note = note
        self.timeline.now(f"kill -9 worker-{index + 1} ({note})")
        self.d.sink.release()

        def restart():
            time.sleep(5)
            self.d.workers[index].start(wait_log=" ready.", timeout=180)
            self.worker_restarted = time.time()
            self.timeline.now(f"worker-{index + 1} restarted")

        self._in_background(restart)

    def served_since_restart(self) -> int:
        since = self.web_restarted or float("inf")
        return sum(h.ok and h.served_by == "web-1" and h.started > since for a in self.agents for h in a.hits)

    def watch(self) -> None:
        try:
            states = self.d.balancer.stats()
        except OSError:
            return
        for name, state in states.items():
            if self.states.get(name) != state:
                if name in self.states:
                    self.timeline.now(f"HAProxy: {name} {state}")
                self.states[name] = state
        lag = replica_lag(self.d.database_url)
        if lag:
            self.lag.append(lag)

    def progress(self, elapsed: float) -> None:
        hits = [h for a in self.agents for h in a.hits]
        failed = sum(not h.ok for h in hits)
        lag = f"{self.lag[-1][0]:,} B" if self.lag else "?"
        mails = self.d.sink.count()
        nodes = " ".join(f"{n}:{s.split()[0]}" for n, s in sorted(self.states.items()))
        _say(
            f"[{elapsed:5.0f}/{self.seconds:.0f}s] {len(hits):6,} requests, {len(hits) / max(elapsed, 1):5.1f}/s, "
            f"{failed} failed, {mails} e-mails at the sink, replica lag {lag}, {nodes}"
        )

    def go(self) -> None:
        t = self.seconds
        plan = {"bulk": 0.05 * t, "kill web": 0.3 * t, "restart web": 0.55 * t, "fallback worker kill": 0.8 * t}
        started = time.time()
        self.timeline.zero = started
        for agent in self.agents:
            agent.start()
        self.timeline.now(f"{len(self.agents)} agents start")
        self.d.sink.hold_next(after=HOLD_AFTER)
        done: set[str] = set()
        last_progress = 0.0
        cap = t + 180
        while True:
            elapsed = time.time() - started
            self.watch()
            if "bulk" not in done and elapsed >= plan["bulk"]:
                done.add("bulk")
                self._in_background(self.bulk_solve)
            if "kill web" not in done and elapsed >= plan["kill web"] and self.bulk_done:
                done.add("kill web")
                kill_started = time.time()
                self.d.web[0].kill()
                self.killed_web = (kill_started, time.time())  # the kill takes effect within this window
                self.timeline.now("kill -9 web-1 (gunicorn master and workers)")
            down = self.states.get("web-1", "").startswith("DOWN")
            if (
                "restart web" not in done
                and self.killed_web
                and elapsed >= plan["restart web"]
                and (down or time.time() > self.killed_web[1] + 15)  # HAProxy has taken it out of rotation
            ):
                done.add("restart web")
                self._in_background(lambda: self.restart_web(0))
            held = self.d.sink.held()
            if self.worker_killed is None and held is not None:
                self.kill_worker(held, f"mid-batch: held after {HOLD_AFTER} e-mails on its SMTP connection")
            if self.worker_killed is None and elapsed >= plan["fallback worker kill"] and "fallback" not in done:
                done.add("fallback")
                self.kill_worker(1, f"no batch of more than {HOLD_AFTER} e-mails yet: killed at a moment not chosen")
            if elapsed - last_progress >= (5 if t >= 60 else 2):
                last_progress = elapsed
                self.progress(elapsed)
            finished = (
                elapsed >= t
                and self.worker_restarted is not None
                and self.web_restarted is not None
                and self.states.get("web-1", "").startswith("UP")
                and self.served_since_restart() >= 3  # back in rotation, shown by traffic
            )
            if finished or elapsed >= cap:
                break
            time.sleep(0.5)
        for agent in self.agents:
            agent.stop.set()
        self.timeline.now("agents stop")
        for agent in self.agents:
            agent.join(120)
        self.ended = time.time()
        for thread in self.background:
            thread.join(200)


def wait_for_mail(d: Deployment, marks: tuple[int, int], grace: float, timeline: Timeline) -> dict:
    deadline = time.monotonic() + grace
    last = 0.0
    while True:
        expected, waiting = mail_expected(d.database_url, marks)
        received = d.sink.message_ids()
        missing = [mid for mid in expected if mid not in received]
        if (not missing and not waiting) or time.monotonic() > deadline:
            break
        if time.monotonic() - last > 5:
            last = time.monotonic()
            _say(f"  waiting for e-mail: {len(missing)} queued not yet at the sink, {waiting} surveys not yet sent")
        time.sleep(1)
    time.sleep(2)  # a late duplicate would show here
    received = d.sink.message_ids()
    timeline.now(
        "all expected e-mail at the sink" if not missing and not waiting else "grace period over: e-mail missing"
    )
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for mid, kind in expected.items():
        c = by_kind[kind]
        c["expected"] += 1
        c["received"] += mid in received
        c["duplicated"] += max(0, received.get(mid, 0) - 1)
    by_kind["survey"]["expected"] += waiting
    unexpected = [mid for mid in received if mid not in expected]
    [(earlier,)] = _sql(
        d.database_url, "SELECT count(*) FROM mailroom_outboundemail WHERE message_id = ANY(%s)", [unexpected]
    )
    return {"by_kind": by_kind, "unexpected": len(unexpected), "earlier": earlier}


def _percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def table(run: Run, mail: dict, d: Deployment, *, tickets: int, agents: int) -> list[dict]:
    hits = [h for a in run.agents for h in a.hits]
    wall = run.ended - run.timeline.zero
    ok = [h for h in hits if h.ok]
    rows = [
        {
            "benchmark": "scaleout",
            "measure": "data",
            "value": f"{tickets:,}",
            "unit": "tickets",
            "note": f"loaded in {d.loaded.get('load_seconds', '?')} s; setup {d.setup_seconds:.0f} s",
        },
        {
            "benchmark": "scaleout",
            "measure": "deployment",
            "value": f"{WEB_NODES}×{WEB_CONCURRENCY}",
            "unit": "web nodes × gunicorn workers",
            "note": f"HAProxy; {WORKERS}×{WORKER_CONCURRENCY} Celery; beat; pgbouncer (transaction); "
            "primary + streaming replica; Redis; aiosmtpd",
        },
        {
            "benchmark": "scaleout",
            "measure": "throughput",
            "value": f"{len(ok) / wall:.1f}",
            "unit": "req/s",
            "note": f"{len(ok):,} successful requests by {agents} agents in {wall:.0f} s",
        },
    ]
    for page in PAGES:
        times = [(h.ended - h.started) * 1000 for h in ok if h.page == page]
        if not times:
            continue
        rows.append(
            {
                "benchmark": f"scaleout {page}",
                "measure": "latency median / p95 / p99",
                "value": f"{statistics.median(times):.0f} / {_percentile(times, 0.95):.0f} / {_percentile(times, 0.99):.0f}",
                "unit": "ms",
                "note": f"{len(times):,} requests, {len(times) / wall:.1f}/s",
            }
        )
    failed = [h for h in hits if not h.ok]
    for h in failed[:30]:
        _say(
            f"  failed: {h.page} {h.why} via {h.served_by or '?'} at +{h.started - run.timeline.zero:.1f}s "
            f"for {h.ended - h.started:.1f}s {h.detail}"
        )
    kill_from, kill_to = run.killed_web or (0.0, 0.0)
    in_flight = [  # under way at some instant of the kill, on web-1 (or no node named: the connection was cut)
        h
        for h in failed
        if run.killed_web and h.started <= kill_to and h.ended >= kill_from and h.served_by in ("web-1", "", "<NOSRV>")
    ]
    others = [h for h in failed if h not in in_flight]
    reasons = Counter(f"{h.page} {h.why}" for h in others)
    rows.append(
        {
            "benchmark": "scaleout",
            "measure": "failed requests",
            "value": str(len(failed)),
            "unit": "requests",
            "note": f"{len(in_flight)} in flight on web-1 when it was killed"
            + (f" ({', '.join(sorted(Counter(h.why for h in in_flight)))})" if in_flight else "")
            + f"; {len(others)} others"
            + (": " + ", ".join(f"{k} ×{n}" for k, n in reasons.most_common(6)) if others else ""),
        }
    )
    after = [h for h in ok if run.web_restarted and h.started > run.web_restarted and h.served_by == "web-1"]
    rows.append(
        {
            "benchmark": "scaleout",
            "measure": "web-1 after its restart",
            "value": str(len(after)),
            "unit": "requests served",
            "note": "it takes traffic again" if after else "NO traffic after the restart",
        }
    )
    dashboards = [h for h in ok if h.page == "dashboard"]
    from_replica = sum(h.replica_queries > 0 for h in dashboards)
    rows.append(
        {
            "benchmark": "scaleout",
            "measure": "dashboards read from the replica",
            "value": f"{from_replica} / {len(dashboards)}",
            "unit": "pages",
            # A report the dashboard cache already holds reads no database at all (insights.selectors.dashboard):
            # the others must each have read the replica.
            "note": "X-Query-Databases: replica=N on each dashboard that computed its report; the rest from the cache",
        }
    )
    total = Counter()
    for kind, c in sorted(mail["by_kind"].items()):
        total.update(c)
        rows.append(_mail_row(f"e-mails ({kind})", c))
    rows.append(
        _mail_row(
            "e-mails (all)",
            total,
            note_extra=f"; {mail['unexpected']} others at the sink"
            + (
                f" ({mail['earlier']} queued by an earlier, interrupted run on the same data)"
                if mail["earlier"]
                else ""
            ),
        )
    )
    arrivals = sorted(at for _listener, _mid, at in d.sink.received())
    peak = max((bisect.bisect_right(arrivals, t + PEAK_WINDOW) - i for i, t in enumerate(arrivals)), default=0)
    rows.append(
        {
            "benchmark": "scaleout",
            "measure": f"busiest {PEAK_WINDOW} s at the SMTP sink",
            "value": f"{peak / PEAK_WINDOW:.1f}",
            "unit": "e-mails/s",
            "note": f"{WORKERS} workers × {WORKER_CONCURRENCY} processes, while serving the agents' load",
        }
    )
    rows.append(
        {
            "benchmark": "scaleout",
            "measure": "worker kill",
            "value": "mid-batch" if "mid-batch" in run.worker_note else "unplanned moment",
            "unit": "",
            "note": run.worker_note,
        }
    )
    if run.lag:
        rows.append(
            {
                "benchmark": "scaleout",
                "measure": "replica lag median / max",
                "value": f"{statistics.median(b for b, _s in run.lag):,.0f} / {max(b for b, _s in run.lag):,}",
                "unit": "bytes",
                "note": f"replay lag max {max(s for _b, s in run.lag):.2f} s; {len(run.lag)} samples of pg_stat_replication",
            }
        )
    for when, what in run.timeline.events:
        rows.append(
            {"benchmark": "scaleout timeline", "measure": f"+{when:.1f} s", "value": "", "unit": "", "note": what}
        )
    for error in run.errors:
        rows.append({"benchmark": "scaleout", "measure": "error", "value": "", "unit": "", "note": error})
    return rows


def _mail_row(measure: str, c: Counter, note_extra: str = "") -> dict:
    lost = c["expected"] - c["received"]
    return {
        "benchmark": "scaleout",
        "measure": measure + " expected / received / duplicated / lost",
        "value": f"{c['expected']} / {c['received']} / {c['duplicated']} / {lost}",
        "unit": "e-mails",
        "note": ("none lost, none twice" if not lost and not c["duplicated"] else "MISMATCH") + note_extra,
    }


def run(args) -> list[dict]:
    opts = options()
    quick = bool(getattr(args, "quick", False))
    tickets = opts.tickets or (QUICK_TICKETS if quick else FULL_TICKETS)
    seconds = opts.minutes * 60
    survey_delay = max(2, min(15, int(seconds / 10)))
    bulk = 200 if tickets > QUICK_TICKETS else min(60, tickets // 40)
    ports = Ports(os.environ.get("BENCH_PORTS", ""))
    logs = tempfile.mkdtemp(prefix="scaleout-logs-")
    timeline = Timeline()
    keep_logs = True
    with ExitStack() as stack:
        previous = signal_to_interrupt()
        stack.callback(restore_signal, previous)
        d = deploy(
            stack, tickets=tickets, ports=ports, logs=logs, survey_delay=survey_delay, data_dir=Path(opts.data_dir)
        )
        pool = Tickets(open_tickets(d.database_url))  # one pool: no two agents solve the same ticket
        base = f"http://127.0.0.1:{d.balancer.port}"
        agents = [
            Agent(base=base, username=u, department=dep, lead=lead, tickets=pool, think=opts.think, seed=i)
            for i, (u, dep, lead) in enumerate(agent_accounts(opts.agents))
        ]
        _say(f"logging in {len(agents)} agents through HAProxy on {d.balancer.port}…")
        logins = [threading.Thread(target=a.login, daemon=True) for a in agents]
        for thread in logins:
            thread.start()
        for thread in logins:
            thread.join(300)
        if any(a.session is None for a in agents):
            raise BenchError("some agents could not log in")
        marks = mail_marks(d.database_url)
        _say(f"running {opts.minutes:g} min; surveys due {survey_delay} s after a solve")
        the_run = Run(d, agents=agents, seconds=seconds, bulk=bulk, timeline=timeline)
        the_run.go()
        mail = wait_for_mail(d, marks, opts.grace, timeline)
        rows = table(the_run, mail, d, tickets=tickets, agents=len(agents))
        keep_logs = any(r["note"].startswith(("MISMATCH", "NO ", "NOT")) for r in rows)
    if keep_logs:
        _say(f"logs kept in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    return rows


def signal_to_interrupt():
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so every process started is stopped."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, interrupt)


def restore_signal(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
