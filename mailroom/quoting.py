"""Where the customer's own words end and quoted history or a signature begins.

Nothing is thrown away: the split gives (visible, rest); the thread shows `visible` and folds `rest`.
The markers cover the languages Latitude's customers write in (en, pt, el, sr in both scripts) and
the big mail clients; email-reply-parser is the fallback for what they miss. Forwarded mail is
content, not history: nothing after a "Forwarded message" marker is folded.
"""

from __future__ import annotations

import re

from email_reply_parser import EmailReplyParser

_WROTE = (
    r"wrote|writes|escreveu|escribió|έγραψε|γράφει|je napisao|je napisala|je napisao/la|napisao je|napisala je"
    r"|је написао|је написала|написао је|написала је|schrieb|a écrit|scrisse|napisał"
)
QUOTE_HEADER = re.compile(rf"^\s*(.{{0,300}}\s)?({_WROTE})\s*(\(.*\))?\s*:\s*$", re.I)
QUOTE_HEADER_START = re.compile(r"^\s*(On|Em|No dia|Στις|Την|Dana|Дана|Le|Am|El)\s", re.I)
ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=]{2,}\s*(Original Message|Original|Mensagem original|Mensagem Original|Αρχικό μήνυμα"
    r"|Originalna poruka|Оригинална порука|Reply message|Ursprüngliche Nachricht)\s*[-_=]{2,}\s*$",
    re.I,
)
# Outlook's header block: "From: …" followed by "Sent: …" (each client in its own language).
OUTLOOK_FROM = re.compile(r"^\s*\**(From|De|Από|Od|Од|Von)\s*:\**\s+\S", re.I)
OUTLOOK_SENT = re.compile(
    r"^\s*\**(Sent|Date|Enviada|Enviado|Data|Στάλθηκε|Ημερομηνία|Poslato|Послато|Datum|Gesendet)\s*:\**\s", re.I
)
FORWARDED = re.compile(
    r"^\s*([-_]{2,}\s*)?(Forwarded message|Begin forwarded message|Mensagem encaminhada|Início da mensagem"
    r" reencaminhada|Προωθημένο μήνυμα|Prosleđena poruka|Proslijeđena poruka|Прослеђена порука)",
    re.I,
)
SIGNATURE = re.compile(
    r"^\s*(-- ?|__+|"
    r"Sent from my \w+.*|Sent from Mail for Windows.*|Sent from Outlook.*|Get Outlook for \w+.*|"
    r"Sent from Yahoo Mail.*|"
    r"Enviado do meu \w+.*|Enviado de meu \w+.*|Enviado do (Outlook|Email|E-mail).*|Enviado a partir do .*|"
    r"Obter o Outlook para .*|"
    r"Στάλθηκε από (το|τη|την) .*|Εστάλη από .*|"
    r"Poslato (sa|iz|preko) .*|Poslano (sa|s|iz) .*|Послато (са|из|преко) .*)\s*$",
    re.I,
)


def _cut_index(lines: list[str]) -> int | None:
    """Index of the first line of quoted history or signature, before any forwarded content."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if FORWARDED.match(stripped):
            return None
        if QUOTE_HEADER.match(stripped) or ORIGINAL_MESSAGE.match(stripped):
            return i
        if QUOTE_HEADER_START.match(stripped):
            # "On Mon, 2 Nov 2026, Latitude <support@…>\n wrote:" folded over two or three lines.
            for end in range(2, 4):
                if QUOTE_HEADER.match(" ".join(part.strip() for part in lines[i : i + end])):
                    return i
        if OUTLOOK_FROM.match(stripped) and any(OUTLOOK_SENT.match(x) for x in lines[i + 1 : i + 4]):
            return i
        if SIGNATURE.match(line):
            return i
        if stripped.startswith(">"):
            rest = [x.strip() for x in lines[i:] if x.strip()]
            quoted = sum(1 for x in rest if x.startswith(">"))
            if rest and quoted / len(rest) >= 0.5:
                return i
    return None


def split_quoted(text: str) -> tuple[str, str]:
    """(what the sender wrote, quoted history and signature). `visible + rest` keeps every line."""
    text = (text or "").replace("\r\n", "\n")
    lines = text.split("\n")
    cut = _cut_index(lines)
    if cut is None and not any(FORWARDED.match(x.strip()) for x in lines):
        visible = EmailReplyParser.parse_reply(text).strip()
        # Trust the fallback only when it kept a leading part of the text.
        if visible and len(visible) < len(text.strip()) and text.lstrip().startswith(visible[:80]):
            head = text.lstrip()
            position = len(text) - len(head)
            end = position + len(visible)
            return text[:end].rstrip(), text[end:].strip("\n")
    if cut is None:
        return text.strip(), ""
    visible = "\n".join(lines[:cut]).rstrip()
    rest = "\n".join(lines[cut:]).strip("\n")
    if not visible.strip():
        # All of it is quoted (or a bare signature): show it all rather than nothing.
        return text.strip(), ""
    return visible, rest


_HTML_QUOTE_MARKERS = [
    re.compile(p, re.I)
    for p in (
        r"<div[^>]+class=\"?[^\">]*gmail_quote",
        r"<blockquote[^>]+type=\"?cite",
        r"<div[^>]+id=\"?(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)",
        r"<hr[^>]+id=\"?stopSpelling",
        r"<div[^>]+class=\"?[^\">]*(yahoo_quoted|moz-cite-prefix|protonmail_quote|OutlookMessageHeader)",
        r"<div[^>]+class=\"?[^\">]*gmail_signature",
        r"<div[^>]+id=\"?(Signature|ms-outlook-mobile-signature|AppleMailSignature)",
    )
]
_HTML_FORWARD = re.compile(r"gmail_attr\"?>-+\s*Forwarded|Begin forwarded message|Mensagem encaminhada", re.I)


def split_quoted_html(html: str) -> tuple[str, str]:
    """Split raw (unsanitised) HTML at the first quote or signature container the big clients emit."""
    html = html or ""
    forward = _HTML_FORWARD.search(html)
    positions = [m.start() for rx in _HTML_QUOTE_MARKERS if (m := rx.search(html))]
    positions = [p for p in positions if forward is None or p < forward.start()]
    if not positions:
        return html, ""
    cut = min(positions)
    visible = html[:cut]
    if not re.sub(r"<[^>]+>|&nbsp;|\s", "", visible):
        return html, ""
    return visible, html[cut:]
