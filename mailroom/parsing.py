"""Turning raw e-mail bytes into what a ticket needs, for the mail real people send.

Parsed with the standard library's `email` package. The MIME tree is read with the legacy-compatible
policy (compat32), with policy.default as the fallback: policy.default re-parses a structured header
on every access, which made parsing 5-6x slower in bench/ingest.py (about 470 against 2,700 messages/s),
and its header objects raise on some broken headers. Every header is decoded by a tolerant RFC 2047
decoder of our own (broken encoded words, unknown charsets, raw 8-bit), bodies from their declared
charset with fallbacks that never raise. Nothing here touches the database.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from email.message import Message as EmailMessageBase

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?]*?)\?=")
_WS_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+\?[qQbB]\?[^?]*?\?=)\s+(?==\?[^?\s]+\?[qQbB]\?)")
_MSGID = re.compile(r"<[^<>\s]+>")
_HTML_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w.:-]+)""", re.I)

# Labels senders use that Python does not know, or that mean something else in practice
# (WHATWG's encoding standard: ISO-8859-1 and ASCII labels are decoded as windows-1252).
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-mac-roman": "mac_roman",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "charset": "",
}


# Encodings where bytes that happen to be valid UTF-8 must still be read as declared.
_MULTIBYTE = {
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "utf-7",
    "cp949",
    "gb18030",
    "big5",
    "big5hkscs",
    "shift_jis",
    "cp932",
    "euc_jp",
    "euc_kr",
    "iso2022_jp",
    "hz",
}


class UnparseableEmail(Exception):
    """The bytes are not an e-mail we can make a ticket of (kept in quarantine)."""


@dataclass
class ParsedAttachment:
    filename: str
    content: bytes
    content_type: str
    content_id: str = ""
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class ParsedEmail:
    message_id: str
    subject: str
    from_email: str
    from_name: str
    to: list[str]
    cc: list[str]
    recipients: list[str]  # every address the mail was delivered to (To, Cc, Delivered-To, X-Original-To)
    date: dt.datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    automated: str = ""  # why this is automatic / bulk mail, "" for a person's mail
    defects: list[str] = field(default_factory=list)
    content_digest: str = ""  # same Message-ID and same digest = the same message delivered again

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first."""
        ids = list(self.in_reply_to)
        for mid in reversed(self.references):
            if mid not in ids:
                ids.append(mid)
        return ids


# --------------------------------------------------------------------------------------------- charsets


def normalize_charset(label: str | None) -> str:
    """A codec name Python knows for `label`, or "" when unknown."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return ""
    label = CHARSET_ALIASES.get(label, label)
    if not label:
        return ""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes to text without ever raising.

    Valid UTF-8 wins over a declared single-byte charset (mislabelled UTF-8 is common, and real text in
    ISO-8859-x or windows-125x is almost never valid UTF-8); then the declared charset, then a lossy
    best effort.
    """
    if not data:
        return ""
    declared = normalize_charset(charset)
    if declared not in _MULTIBYTE and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        return data.decode(declared, errors="replace")
    # Undeclared 8-bit text, or "UTF-8" that is not: windows-1252 is what such mail almost always is,
    # and it maps all but five bytes, so the text reads right and next to nothing is lost.
    return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------------------------------------- headers


def _decode_q(text: str) -> bytes:
    return quopri.decodestring(text.replace("_", " ").encode("ascii", "replace"), header=False)


def _decode_b(text: str) -> bytes:
    text = re.sub(r"[^A-Za-z0-9+/=]", "", text)
    text = text.rstrip("=")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return text.encode("ascii", "replace")


def decode_raw_header_bytes(data: bytes, hints: tuple[str, ...] = ()) -> str:
    """Raw 8-bit header bytes: valid UTF-8 first, then the charsets the message's parts declare, then detection.

    Mailers that write headers in a legacy charset (GB18030, Shift_JIS, Big5, KOI8-R…) almost always
    write the body in the same one, so its declared charset is the best hint we have.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for hint in hints:
        codec = normalize_charset(hint)
        if codec and codec not in ("utf-8", "cp1252"):
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # noqa: BLE001 - detection is a hint, never a failure
        best = None
    if best is not None and best.encoding and len(data) >= 4:
        return str(best)
    return decode_bytes(data)


def decode_header_value(value: str | bytes | None, hints: tuple[str, ...] = ()) -> str:
    """RFC 2047 decoding that survives real mail: unknown charsets, bad padding, words glued together,
    raw 8-bit headers (in UTF-8, or in the message's own charsets), and folding in the middle of a word."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = decode_raw_header_bytes(value, hints)
    value = str(value)
    # Raw 8-bit bytes survive the parser as surrogates; turn them back into text.
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = decode_raw_header_bytes(value.encode("utf-8", "surrogateescape"), hints)
    value = re.sub(r"\r?\n[ \t]+", " ", value)
    value = _WS_BETWEEN_WORDS.sub(r"\1", value)  # whitespace between encoded words is not text

    # Adjacent encoded words in one charset are joined before decoding: a multi-byte character
    # may be split across two of them.
    parts: list[tuple[str, str, bytes | str]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        if match.start() > pos:
            parts.append(("text", "", value[pos : match.start()]))
        charset, encoding, payload = match.groups()
        charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
        raw = _decode_b(payload) if encoding.lower() == "b" else _decode_q(payload)
        if parts and parts[-1][0] == "word" and parts[-1][1] == charset.lower():
            parts[-1] = ("word", charset.lower(), parts[-1][2] + raw)
        else:
            parts.append(("word", charset.lower(), raw))
        pos = match.end()
    if pos < len(value):
        parts.append(("text", "", value[pos:]))
    out = []
    for kind, charset, data in parts:
        out.append(decode_bytes(data, charset) if kind == "word" else data)
    return "".join(out).strip()


def _raw_headers(msg: EmailMessageBase) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items() if hasattr(msg, "raw_items") else msg.items():
        headers.setdefault(name.lower(), []).append(str(value))
    return headers


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name.lower())
    return values[0] if values else ""


_LOOSE_ADDRESS = re.compile(r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)\s*@\s*([A-Za-z0-9-]+(?:\s*\.\s*[A-Za-z0-9-]+)+)")
_ANGLE = re.compile(r"<([^<>]*@[^<>]*)>")
_VALID_ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _loose_address(value: str, hints: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """One sender from a header that the strict parser refused, when the sender is still clear:
    `Name address@host` without angle brackets, or stray spaces inside the address."""
    text = decode_header_value(value, hints)
    angle = _ANGLE.search(text)
    if angle:
        candidate = re.sub(r"\s+", "", angle.group(1))
        name = text[: angle.start()]
    else:
        matches = _LOOSE_ADDRESS.findall(text)
        if len(matches) != 1:
            return None
        found = _LOOSE_ADDRESS.search(text)
        candidate = re.sub(r"\s+", "", found.group(0))
        name = text[: found.start()]
    candidate = candidate.strip(".").lower()
    if not _VALID_ADDRESS.match(candidate):
        return None
    return name.strip().strip('"').strip(), candidate


def parse_addresses(values: list[str], hints: tuple[str, ...] = (), *, lenient: bool = False) -> list[tuple[str, str]]:
    """(name, address) pairs; addresses split from the raw header so encoded names cannot break them.

    `lenient` (for the sender): a header the strict parser cannot read still yields its one clear address.
    """
    pairs = []
    unfolded = [re.sub(r"\r?\n[ \t]+", " ", v) for v in values]
    try:
        found = email.utils.getaddresses(unfolded)
    except Exception:  # noqa: BLE001 - a malformed header yields no addresses, never an error
        found = []
    for name, address in found:
        address = decode_header_value(address, hints).strip().strip("<>").strip()
        if "@" not in address or " " in address:
            continue
        pairs.append((decode_header_value(name, hints).strip().strip('"').strip(), address.lower()))
    if lenient and not pairs:
        for value in unfolded:
            loose = _loose_address(value, hints)
            if loose:
                pairs.append(loose)
                break
    return pairs


def clip_message_id(mid: str) -> str:
    """Message-IDs fit the 255-character column; a longer one is replaced by a digest, never cut
    (two long ids sharing a prefix must not collide and be taken for duplicates)."""
    if len(mid) <= 255:
        return mid
    return f"<{hashlib.sha256(mid.encode('utf-8', 'surrogateescape')).hexdigest()}@long-message-id.latitude>"


def normalize_message_id(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    found = _MSGID.findall(value)
    if found:
        return clip_message_id(found[0])
    return clip_message_id(f"<{value.strip('<>').split()[0]}>")


def message_ids(value: str) -> list[str]:
    return [clip_message_id(mid) for mid in _MSGID.findall(value or "")]


# ------------------------------------------------------------------------------------------ loop guard

_AUTO_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?|no-?reply)(\+.*)?@", re.I)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}


def automated_reason(headers: dict[str, list[str]], content_type: str, from_email: str) -> str:
    """Why a message is machine-sent (auto-reply, bounce, list mail), or "" for a person's mail.

    Such mail never opens a ticket and never gets a reply: that is how mail loops are avoided.
    """
    auto = _first(headers, "auto-submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto[:60]}"
    precedence = _first(headers, "precedence").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-autogenerated"):
        if name in headers:
            return f"{name.title()} header"
    if (
        _first(headers, "x-auto-response-suppress")
        and "auto" in _first(headers, "x-ms-exchange-generated-message-source").lower()
    ):
        return "Exchange automatic reply"
    if content_type == "multipart/report":
        return "Delivery status or read report"
    if from_email and _AUTO_SENDERS.match(from_email):
        return f"Sent by {from_email.split('@')[0]}"
    return_path = _first(headers, "return-path").strip()
    if return_path in ("<>", "< >"):
        return "Null return path (bounce)"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "Mailing-list or bulk mail (List-Id/List-Unsubscribe)"
    return ""


# ---------------------------------------------------------------------------------------------- bodies


def _part_bytes(part: EmailMessageBase) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: fall back to the raw payload
        data = None
    if data is None:
        payload = part.get_payload()
        if isinstance(payload, str):
            data = payload.encode("utf-8", "surrogateescape")
        else:
            data = b""
    return data


def _part_text(part: EmailMessageBase) -> str:
    data = _part_bytes(part)
    charset = part.get_param("charset") if hasattr(part, "get_param") else None
    if isinstance(charset, tuple):  # RFC 2231-encoded parameter
        charset = charset[2]
    if not charset and part.get_content_type() == "text/html":
        meta = _HTML_META_CHARSET.search(data[:2048])
        charset = meta.group(1).decode("ascii", "replace") if meta else None
    text = decode_bytes(data, charset).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp") or "").lower() == "yes")
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """RFC 3676 format=flowed: lines ending in a space continue on the next line (signature and quotes kept)."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        if line.startswith(" ") and not line.startswith("  "):
            line = line[1:]  # space-stuffing
        if current and (line.startswith(">") != current.startswith(">")):
            out.append(current)
            current = ""
        if line.endswith(" ") and line != "-- ":
            current += line[:-1] if delsp else line
            continue
        out.append(current + line)
        current = ""
    if current:
        out.append(current)
    return "\n".join(out)


def _filename(part: EmailMessageBase) -> str:
    name = None
    for getter in (
        lambda: part.get_param("filename", header="content-disposition"),
        lambda: part.get_param("name"),
    ):
        try:
            name = getter()
        except Exception:  # noqa: BLE001
            name = None
        if name:
            break
    if isinstance(name, tuple):  # RFC 2231: (charset, language, value)
        charset, _lang, value = name
        raw = value.encode("latin-1", "surrogateescape") if isinstance(value, str) else value
        name = decode_bytes(raw, charset or "utf-8")
    name = email.utils.collapse_rfc2231_value(name) if name and not isinstance(name, str) else name
    return decode_header_value(name or "").replace("\x00", "")


_EXT_BY_TYPE = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/html": ".html",
    "message/rfc822": ".eml",
    "text/calendar": ".ics",
}


def _walk(msg: EmailMessageBase, parsed: ParsedEmail, texts: list[str], htmls: list[str]) -> None:
    """Collect text, HTML and attachments. In multipart/alternative take the richest part we understand."""
    ctype = msg.get_content_type()
    if msg.is_multipart() and ctype != "message/rfc822":
        payload = msg.get_payload()
        if not isinstance(payload, list):
            return
        if ctype == "multipart/alternative":
            plain = [p for p in payload if p.get_content_type() == "text/plain"]
            rich = [p for p in payload if p.get_content_type() != "text/plain"]
            text_before = len(texts)
            for part in plain[-1:]:
                _walk(part, parsed, texts, htmls)
            html_before = len(htmls)
            for part in rich[-1:]:
                _walk(part, parsed, texts, htmls)
            # Keep one text of each kind from an alternative: the plain part if there was one.
            if len(texts) > text_before + 1:
                del texts[text_before + 1 :]
            del htmls[html_before + 1 :]
            return
        for part in payload:
            _walk(part, parsed, texts, htmls)
        return
    disposition = (
        (msg.get("Content-Disposition") or "").split(";")[0].strip().lower() if msg.get("Content-Disposition") else ""
    )
    filename = _filename(msg)
    content_id = (msg.get("Content-ID") or "").strip().strip("<>").strip()
    is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
    if is_body_text:
        (texts if ctype == "text/plain" else htmls).append(_part_text(msg))
        return
    if ctype == "message/delivery-status":
        return
    if ctype == "message/rfc822":
        inner = msg.get_payload()
        try:
            content = inner[0].as_bytes() if isinstance(inner, list) and inner else _part_bytes(msg)
        except Exception:  # noqa: BLE001 - a forwarded message we cannot re-serialise: keep what we can
            content = str(inner[0]).encode("utf-8", "surrogateescape") if isinstance(inner, list) and inner else b""
    else:
        content = _part_bytes(msg)
    if not filename:
        filename = ("inline" if content_id else "attachment") + _EXT_BY_TYPE.get(ctype, ".bin")
    parsed.attachments.append(
        ParsedAttachment(
            filename=filename[:255],
            content=content,
            content_type=ctype[:100],
            content_id=content_id[:255],
            inline=disposition == "inline" or bool(content_id),
        )
    )


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_KNOWN_FIRST_HEADERS = re.compile(
    rb"^(received|return-path|from|to|subject|date|message-id|mime-version|delivered-to|x-[\w-]+|"
    rb"reply-to|sender|content-type|dkim-signature|authentication-results|arc-[\w-]+|cc)[ \t]*:",
    re.I,
)


def repair_headers(raw: bytes) -> tuple[bytes, list[str]]:
    """The header block as the parser expects it, and what was repaired: a banner line before the headers
    (an mbox `From ` line, a mail server's note) is dropped, and lines folded without indentation
    (Exchange) are indented, so the parser does not take them for the start of the body."""
    notes: list[str] = []
    newline = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    head, sep, body = raw.partition(newline + newline)
    lines = head.split(newline)
    dropped = 0
    # Only a line that is not a header at all is a banner: any well-formed header (Auto-Submitted, List-Id…)
    # may come first and must be kept.
    while len(lines) > 1 and dropped < 3 and not _HEADER_LINE.match(lines[0]):
        if not any(_KNOWN_FIRST_HEADERS.match(line) for line in lines[1:4]):
            break
        lines.pop(0)
        dropped += 1
    if dropped:
        notes.append("banner line before the headers")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return raw, []
    fixed = [lines[0]]
    folded = 0
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") or _HEADER_LINE.match(line):
            fixed.append(line)
        elif line.strip():
            fixed.append(b" " + line)
            folded += 1
    if folded:
        notes.append("header lines folded without indentation")
    if not notes:
        return raw, []
    return newline.join(fixed) + sep + body, notes


def _charset_hints(msg: EmailMessageBase) -> tuple[str, ...]:
    try:
        found = [c for c in msg.get_charsets() if c]
    except Exception:  # noqa: BLE001
        found = []
    return tuple(dict.fromkeys(str(c).lower() for c in found))


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def content_digest(raw: bytes, parsed: ParsedEmail) -> str:
    """A digest of what a message says (sender, subject, date, body): the same for one message delivered
    twice (other Received lines, another path), different for a message that reuses a Message-ID."""
    body = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)
    date = parsed.date.isoformat() if parsed.date else ""
    head = f"{parsed.from_email}\n{parsed.subject}\n{date}\n".encode("utf-8", "surrogateescape")
    return hashlib.sha256(head + (body[1] if len(body) > 1 else b"").replace(b"\r\n", b"\n")).hexdigest()


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse one message. Raises UnparseableEmail when there is no sender to answer or no message at all."""
    if not raw or not raw.strip():
        raise UnparseableEmail("empty message")
    raw, repairs = repair_headers(raw)
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # noqa: BLE001 - fall back to the modern policy's parser
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
        except Exception as exc2:  # noqa: BLE001
            raise UnparseableEmail(f"the e-mail parser failed: {exc2}") from exc
    headers = _raw_headers(msg)
    if not headers or ("from" not in headers and "subject" not in headers and "message-id" not in headers):
        raise UnparseableEmail("no e-mail headers found")
    hints = _charset_hints(msg)
    try:
        content_type = msg.get_content_type()
    except Exception:  # noqa: BLE001
        content_type = "text/plain"
    # The sender is From (Sender when From is missing or unreadable); Reply-To is only where answers may
    # go and never decides who wrote, except when a message has nothing else naming its sender.
    senders = (
        parse_addresses(headers.get("from", []), hints, lenient=True)
        or parse_addresses(headers.get("sender", []), hints, lenient=True)
        or ([] if headers.get("from") else parse_addresses(headers.get("reply-to", []), hints, lenient=True))
    )
    if senders:
        from_name, from_email = senders[0]
    else:
        from_name = from_email = ""
        raw_from = " ".join(headers.get("from", []))
        if not automated_reason(headers, content_type, raw_from.strip().lower()) and not re.search(
            r"mailer-daemon|postmaster", raw_from, re.I
        ):
            if headers.get("from"):
                raise UnparseableEmail(f"no valid sender address: the From header names none ({raw_from[:200]!r})")
            raise UnparseableEmail("no valid sender address: no From, Sender or Reply-To header")

    to = [a for _n, a in parse_addresses(headers.get("to", []), hints)]
    cc = [a for _n, a in parse_addresses(headers.get("cc", []), hints)]
    delivered = [
        a
        for name in ("delivered-to", "x-original-to", "envelope-to")
        for _n, a in parse_addresses(headers.get(name, []), hints)
    ]
    date = None
    try:
        date = email.utils.parsedate_to_datetime(_first(headers, "date"))
        if date is not None and date.tzinfo is None:
            date = date.replace(tzinfo=dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        date = None

    message_id = normalize_message_id(decode_header_value(_first(headers, "message-id"), hints))
    if not message_id:
        # No Message-ID: one derived from the bytes still makes a second delivery a duplicate.
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.latitude>"

    automated = automated_reason(headers, content_type, from_email)
    if not from_email and not automated:
        automated = "Bounce from a mail server (no sender address)"
    parsed = ParsedEmail(
        message_id=message_id,
        # Whitespace collapsed before cutting, so padding cannot push the meaningful words out.
        subject=collapse_whitespace(decode_header_value(_first(headers, "subject"), hints))[:998],
        from_email=from_email,
        from_name=from_name[:200],
        to=to,
        cc=cc,
        recipients=list(dict.fromkeys(to + cc + delivered)),
        date=date,
        in_reply_to=message_ids(_first(headers, "in-reply-to")),
        references=message_ids(" ".join(headers.get("references", []))),
        text="",
        html="",
        automated=automated,
        defects=[type(d).__name__ for d in getattr(msg, "defects", [])] + repairs,
    )
    texts: list[str] = []
    htmls: list[str] = []
    try:
        _walk(msg, parsed, texts, htmls)
    except Exception:  # noqa: BLE001 - try the modern policy's reading of the tree before giving up
        parsed.attachments, texts, htmls = [], [], []
        try:
            _walk(email.message_from_bytes(raw, policy=email.policy.default), parsed, texts, htmls)
        except Exception as exc:  # noqa: BLE001 - a MIME tree we cannot walk: quarantine, never guess
            raise UnparseableEmail(f"the MIME structure could not be read: {type(exc).__name__}: {exc}") from exc
    parsed.content_digest = content_digest(raw, parsed)
    parsed.text = "\n\n".join(t.strip("\n") for t in texts if t.strip()).strip()
    parsed.html = "\n".join(h for h in htmls if h.strip())
    return parsed
