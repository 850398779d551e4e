"""The scale-out bench's agents (bench/scaleout.py): threads, each a logged-in `requests` session
doing a weighted mix of an agent's work, every request recorded as a `Hit`. (A leading underscore
keeps `python -m bench` from taking this module for a benchmark.)"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from bench.workbench import DEPARTMENTS, PASSWORD, REPLIES, SEARCH_QUERY, _fill

AGENT_MIX = {"inbox": 30, "ticket": 30, "search": 10, "reply": 12, "solve": 8, "offscript": 5}
LEAD_MIX = {**AGENT_MIX, "dashboard": 15}
EXPECTED_STATUS = {"reply": 201, "offscript": 201}


@dataclass
class Hit:
    page: str
    started: float
    ended: float
    status: int = 0
    error: str = ""
    served_by: str = ""
    replica_queries: int = -1
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status == EXPECTED_STATUS.get(self.page, 200)

    @property
    def why(self) -> str:
        return self.error or f"HTTP {self.status}"


@dataclass
class Tickets:
    """Open tickets per department: agents view any, and take one (never shared) to reply to or solve."""

    by_department: dict[str, list[int]]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def any(self, department: str, rng: random.Random) -> int:
        return rng.choice(self.by_department[department])

    def take(self, department: str, n: int = 1) -> list[int]:
        with self.lock:
            pool = self.by_department[department]
            if len(pool) <= n:  # a tiny data set ran out: share what is left
                return pool[-n:]
            taken = pool[-n:]
            del pool[-n:]
            return taken


class Agent(threading.Thread):
    def __init__(self, *, base: str, username: str, department: str, lead: bool, tickets: Tickets, think: float, seed):
        super().__init__(daemon=True, name=username)
        self.base, self.username, self.department, self.lead = base, username, department, lead
        self.tickets, self.think = tickets, think
        self.rng = random.Random(seed)
        self.hits: list[Hit] = []
        self.stop = threading.Event()
        self.session = None
        self.replying: list[int] = []

    def login(self) -> None:
        from helpdesk.testing.deploy import login

        for attempt in range(5):  # a node being killed may answer the login with a 502
            try:
                self.session = login(self.base, self.username, PASSWORD)
                return
            except Exception:  # noqa: BLE001 - retried, then reported
                if attempt == 4:
                    raise
                time.sleep(1)

    def request(self, page: str, method: str, path: str, **kwargs) -> Hit:
        import requests

        hit = Hit(page, time.time(), 0.0)
        try:
            response = self.session.request(method, self.base + path, timeout=90, allow_redirects=False, **kwargs)
            response.content  # noqa: B018 - read the whole body: the page's time includes it
            hit.status = response.status_code
            hit.served_by = response.headers.get("X-Served-By", "")
            for part in response.headers.get("X-Query-Databases", "").split():
                alias, _, n = part.partition("=")
                if alias == "replica":
                    hit.replica_queries = int(n)
        except requests.RequestException as exc:
            hit.error = type(exc).__name__
            hit.detail = str(exc)[:300]
        hit.ended = time.time()
        self.hits.append(hit)
        return hit

    def act(self, page: str) -> None:
        rng = self.rng
        if page == "inbox":
            self.request(page, "GET", "/")
        elif page == "ticket":
            self.request(page, "GET", f"/tickets/{self.tickets.any(self.department, rng)}/")
        elif page == "search":
            self.request(page, "GET", "/", params={"q": rng.choice([SEARCH_QUERY, "refund", "invoice", "courier"])})
        elif page == "reply":
            if not self.replying:
                self.replying = self.tickets.take(self.department)
            body = {"body": " ".join(_fill(rng, s) for s in rng.sample(REPLIES, 2)), "internal": False}
            self.request(page, "POST", f"/api/tickets/{self.replying[0]}/messages/", json=body)
        elif page == "solve":
            ticket = self.replying.pop() if self.replying else self.tickets.take(self.department)[0]
            self.request(page, "PATCH", f"/api/tickets/{ticket}/", json={"status": "solved"})
        elif page == "offscript":
            ticket = self.tickets.any(self.department, rng)
            body = {"ticket": ticket, "kind": "refund", "amount": f"{rng.randint(5, 60)}.00", "reason": "Late parcel"}
            self.request(page, "POST", "/api/offscript-actions/", json=body)
        elif page == "dashboard":
            self.request(page, "GET", "/insights/")

    def run(self) -> None:
        mix = LEAD_MIX if self.lead else AGENT_MIX
        pages, weights = list(mix), list(mix.values())
        while not self.stop.is_set():
            page = self.rng.choices(pages, weights)[0]
            try:
                self.act(page)
            except Exception as exc:  # noqa: BLE001 - a bug in the driver shows as a failure, not a silent thread
                now = time.time()
                self.hits.append(Hit(page, now, now, error=f"bench {type(exc).__name__}", detail=str(exc)[:300]))
            self.stop.wait(min(self.rng.expovariate(1 / self.think), 5 * self.think) if self.think else 0)


def agent_accounts(n: int) -> list[tuple[str, str, bool]]:
    """(username, department, lead) for n agents over the workbench's departments; the first of each
    department is its lead (bench_<dept>_1), the others share the nine agents' accounts."""
    accounts = []
    for k in range(n):
        slug = DEPARTMENTS[k % len(DEPARTMENTS)][1]
        index = k // len(DEPARTMENTS)
        if index == 0:
            accounts.append((f"bench_{slug}_1", slug, True))
        else:
            accounts.append((f"bench_{slug}_{(index - 1) % 9 + 2}", slug, False))
    return accounts
