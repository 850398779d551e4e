"""A real SMTP server (aiosmtpd) for tests: receives mail on a free local port, can be stopped and
started again to simulate a mail server that is down."""

from __future__ import annotations

import asyncio
import email
import email.policy
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

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A slow server, answering before the message is sent: a client killed here has sent nothing.
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
