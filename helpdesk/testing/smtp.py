"""A real SMTP server (aiosmtpd) for tests: receives mail on a free local port, can be stopped and
started again to simulate a mail server that is down."""

from __future__ import annotations

import asyncio
import email
import email.policy
import multiprocessing
import os
import signal
import tempfile
import threading
import time

from aiosmtpd.controller import Controller

from helpdesk.testing import free_port


class _Collector:
    def __init__(self, rcpt_delay: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.lock = threading.Lock()
        self.rcpt_delay = rcpt_delay
        self.recipients_named = 0  # RCPT commands begun, answered or not

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A slow server, answering before the message is sent: a client killed here has sent nothing.
        with self.lock:
            self.recipients_named += 1
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None, *, rcpt_delay: float = 0.0):
        self.port = port or free_port()
        self.handler = _Collector(rcpt_delay)
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} e-mails, got {len(self.messages)} within {timeout}s")

    def wait_for_recipient(self, count: int, timeout: float = 30.0) -> None:
        """Until a client has begun naming its `count`-th recipient. With `rcpt_delay`, that client is
        then waiting for an answer and has handed nothing over for that message: the place to kill a
        sender mid-batch (not the instant a message is accepted, which no sender can make atomic with
        recording that it sent it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.handler.lock:
                if self.handler.recipients_named >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"no client named recipient {count} within {timeout}s")


# --- a sink in its own process, for load tests ---------------------------------------------------------


def _serve_sink(ports: list[int], log_path: str, hold_after, held, release, ready) -> None:
    import asyncio
    import logging
    import re

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # forked: not the parent's handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    message_id = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
    log = open(log_path, "ab", buffering=0)  # noqa: SIM115 - one writer, one line per message, for the process's life

    class Handler:
        def __init__(self, listener: int):
            self.listener = listener

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            delivered = getattr(session, "delivered", 0)
            if 0 < hold_after.value <= delivered and held.value < 0:
                # Mid-batch on this connection: hold it (no answer) until the load test says so.
                held.value = self.listener
                hold_after.value = 0
                while not release.is_set():
                    await asyncio.sleep(0.05)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            found = message_id.search(envelope.original_content or envelope.content)
            log.write(b"%d\t%s\t%.3f\n" % (self.listener, found.group(1) if found else b"-", time.time()))
            session.delivered = getattr(session, "delivered", 0) + 1
            return "250 Message accepted for delivery"

    controllers = [Controller(Handler(i), hostname="127.0.0.1", port=port) for i, port in enumerate(ports)]
    for controller in controllers:
        controller.start()
    ready.set()
    try:
        asyncio.run(asyncio.sleep(10**9))
    finally:
        for controller in controllers:
            controller.stop()


class SmtpSink:
    """aiosmtpd in a process of its own (it never shares a GIL with the load driver), listening on one
    port per sender so it knows whose connection is whose. Each message accepted is one line
    `listener<TAB>Message-ID<TAB>time` in a file: `message_ids()` counts them (duplicates show as counts > 1).

    `hold_next(after=n)`: the next connection that has already delivered n messages and names another
    recipient is held there — no answer — until `release()`; `held()` tells which listener it came
    through. A sender killed while held has handed nothing over for that message: a kill placed
    mid-batch, away from the instant the server accepts a message (which no sender can make atomic
    with recording that it sent it)."""

    def __init__(self, listeners: int = 1, ports: list[int] | None = None):
        self.ports = ports or [free_port() for _ in range(listeners)]
        self._ctx = multiprocessing.get_context("fork")
        fd, self.log_path = tempfile.mkstemp(prefix="smtp-sink-", suffix=".log")
        os.close(fd)
        self._hold_after = self._ctx.Value("i", 0)
        self._held = self._ctx.Value("i", -1)
        self._release = self._ctx.Event()
        self.proc = None

    def url(self, listener: int = 0) -> str:
        return f"smtp://127.0.0.1:{self.ports[listener]}"

    def start(self) -> SmtpSink:
        ready = self._ctx.Event()
        self.proc = self._ctx.Process(
            target=_serve_sink,
            args=(self.ports, self.log_path, self._hold_after, self._held, self._release, ready),
            daemon=True,
        )
        self.proc.start()
        if not ready.wait(20):
            self.stop()
            raise RuntimeError("the SMTP sink did not start")
        return self

    def received(self) -> list[tuple[int, str, float]]:
        """(listener, Message-ID, time received) of every message, in order."""
        with open(self.log_path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
        return [(int(listener), mid, float(at)) for listener, mid, at in (line.split("\t") for line in lines)]

    def message_ids(self) -> dict[str, int]:
        """Message-ID -> how many times it was received."""
        counts: dict[str, int] = {}
        for _listener, mid, _at in self.received():
            counts[mid] = counts.get(mid, 0) + 1
        return counts

    def count(self) -> int:
        return sum(self.message_ids().values())

    def hold_next(self, *, after: int) -> None:
        self._release.clear()
        self._held.value = -1
        self._hold_after.value = after

    def held(self) -> int | None:
        return None if self._held.value < 0 else self._held.value

    def release(self) -> None:
        self._hold_after.value = 0
        self._release.set()

    def stop(self) -> None:
        self.release()
        if self.proc is not None:
            self.proc.terminate()
            self.proc.join(5)
            self.proc = None
        if os.path.exists(self.log_path):
            os.unlink(self.log_path)
