"""Polling an IMAP mailbox (IMAP_URL): fetch unseen mail, store it, and only then mark or move it.

IMAP_URL: imap://user:pass@host:143/INBOX (imaps:// for TLS, imap+starttls:// to upgrade).
IMAP_PROCESSED_MAILBOX (optional): move stored messages there instead of flagging them \\Seen.
A message is fetched with BODY.PEEK[] (which leaves it unseen) and flagged or moved only after
`ingest_email` has committed it, so a crash at any point means it is fetched again, and stored once.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from django.conf import settings

from mailroom.ingest import ingest_email
from mailroom.models import InboundSource

logger = logging.getLogger(__name__)

POLL_BATCH = 200
TIMEOUT_SECONDS = 30


@dataclass
class ImapSettings:
    host: str
    port: int
    username: str
    password: str
    mailbox: str
    tls: bool
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> ImapSettings:
        parsed = urlparse(url)
        if parsed.scheme not in ("imap", "imaps", "imap+starttls"):
            raise ValueError(f"IMAP_URL must start with imap://, imaps:// or imap+starttls://, not {parsed.scheme}://")
        tls = parsed.scheme == "imaps"
        return cls(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (993 if tls else 143),
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            mailbox=unquote(parsed.path.lstrip("/")) or "INBOX",
            tls=tls,
            starttls=parsed.scheme == "imap+starttls",
        )


@dataclass
class PollReport:
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def _connect(conf: ImapSettings) -> imaplib.IMAP4:
    if conf.tls:
        client = imaplib.IMAP4_SSL(
            conf.host, conf.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
        )
    else:
        client = imaplib.IMAP4(conf.host, conf.port, timeout=TIMEOUT_SECONDS)
        if conf.starttls:
            client.starttls(ssl_context=ssl.create_default_context())
    client.login(conf.username, conf.password)
    return client


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} failed: {data!r}")
    return data


def _done(client: imaplib.IMAP4, uid: bytes, processed_mailbox: str, can_move: bool) -> None:
    """Mark one stored message: move it to the processed mailbox, or flag it seen."""
    if processed_mailbox:
        if can_move:
            _check(client.uid("MOVE", uid, _quote(processed_mailbox)), "MOVE")
            return
        _check(client.uid("COPY", uid, _quote(processed_mailbox)), "COPY")
        _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)"), "STORE")
        return
    _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "STORE")


def poll_mailbox(*, url: str | None = None, limit: int = POLL_BATCH) -> PollReport:
    """Ingest up to `limit` unseen messages from the mailbox; each is marked only once it is stored."""
    url = url or settings.IMAP_URL
    report = PollReport()
    if not url:
        return report
    conf = ImapSettings.from_url(url)
    processed_mailbox = settings.IMAP_PROCESSED_MAILBOX
    client = _connect(conf)
    try:
        _check(client.select(_quote(conf.mailbox)), "SELECT")
        capabilities = {c.upper() for c in client.capabilities}
        can_move = "MOVE" in capabilities
        if processed_mailbox:
            client.create(_quote(processed_mailbox))  # fails harmlessly when it exists
        # Moving: everything left in the mailbox is unprocessed, even if a person opened it in a mail client.
        criteria = ("UNDELETED",) if processed_mailbox else ("UNSEEN", "UNDELETED")
        data = _check(client.uid("SEARCH", None, *criteria), "SEARCH")
        uids = (data[0] or b"").split()[:limit]
        expunge = False
        for uid in uids:
            fetched = _check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
            raw = next((item[1] for item in fetched if isinstance(item, tuple) and len(item) == 2), None)
            if raw is None:
                report.errors.append(f"UID {uid.decode()}: no message body returned")
                continue
            report.fetched += 1
            result = ingest_email(raw=raw, source=InboundSource.IMAP)
            report.count(result.outcome)
            if not result.stored:
                continue  # left unseen: fetched again next time
            try:
                _done(client, uid, processed_mailbox, can_move)
                expunge = expunge or (bool(processed_mailbox) and not can_move)
            except imaplib.IMAP4.error as exc:
                # Stored but not marked: the next poll fetches it again and the Message-ID makes it a duplicate.
                report.errors.append(f"UID {uid.decode()}: {exc}")
        if expunge:
            client.expunge()
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    if report.fetched:
        logger.info("IMAP poll: %s messages, %s", report.fetched, report.outcomes)
    return report


_SAFE_URL = re.compile(r"//([^:/@]+):[^@]*@")


def redact(url: str) -> str:
    return _SAFE_URL.sub(r"//\1:***@", url or "")
