"""`python -m helpdesk.sr_cyrillic`: transliterates the Serbian Latin catalogue into Serbian Cyrillic (locale/sr), keeping placeholders,
HTML, product names and acronyms in Latin."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "locale/sr_Latn/LC_MESSAGES/django.po")
DST = str(ROOT / "locale/sr/LC_MESSAGES/django.po")

DIGRAPHS = {"Lj": "Љ", "LJ": "Љ", "lj": "љ", "Nj": "Њ", "NJ": "Њ", "nj": "њ", "Dž": "Џ", "DŽ": "Џ", "dž": "џ"}
SINGLE = dict(
    zip(
        "ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠabvgdđežzijklmnoprstćufhcčš",
        "АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШабвгдђежзијклмнопрстћуфхцчш",
        strict=True,
    )
)
KEEP_WORDS = {
    "Latitude",
    "CSAT",
    "API",
    "CSV",
    "PDF",
    "SLA",
    "HTML",
    "SMTP",
    "IMAP",
    "URL",
    "ID",
    "OK",
    "LAT",
    "HTMX",
    "JSON",
    "IP",
    "Wilson",
    "Chart.js",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Re",
    "Fwd",
    "stdin",
    "JavaScript",
    "OpenAPI",
    "Django",
    "null",
    "Swagger",
    "htmx",
    "WeasyPrint",
    "Celery",
    "Redis",
    "PostgreSQL",
    "SQLite",
    "Playwright",
    "Chromium",
    "Markdown",
    "Gmail",
    "Outlook",
}
PROTECT = re.compile(
    r"%\([^)]+\)[sdif]|%[sdif%]|\{\{.*?\}\}|\{%.*?%\}|\{[a-z_]+\}|<[^>]+>|&[a-z]+;|&#\d+;|https?://\S+|"
    r"[\w.+-]+@[\w.-]+|LAT-\w*|\b[A-Z][A-Z0-9_]+\b|\.[a-z]{2,4}\b|`[^`]*`|\b(?:"
    + "|".join(re.escape(w) for w in KEEP_WORDS)
    + r")\b"
)


def translit_plain(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in DIGRAPHS:
            out.append(DIGRAPHS[pair])
            i += 2
            continue
        out.append(SINGLE.get(text[i], text[i]))
        i += 1
    return "".join(out)


def translit(text: str) -> str:
    text = text.replace("GGGG-MM-DD", "ГГГГ-ММ-ДД")  # the date pattern is words, not an acronym
    result, last = [], 0
    for m in PROTECT.finditer(text):
        result.append(translit_plain(text[last : m.start()]))
        result.append(m.group(0))
        last = m.end()
    result.append(translit_plain(text[last:]))
    return "".join(result)


def main():
    src = polib.pofile(SRC, wrapwidth=0)
    dst = polib.pofile(DST, wrapwidth=0)
    index = {(e.msgctxt or "", e.msgid): e for e in src}
    done = 0
    for e in dst:
        s = index.get((e.msgctxt or "", e.msgid))
        if s is None or not s.translated():
            continue
        if e.msgid_plural:
            e.msgstr_plural = {k: translit(v) for k, v in s.msgstr_plural.items()}
        else:
            e.msgstr = translit(s.msgstr)
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
        done += 1
    dst.metadata["Language"] = "sr"
    dst.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    dst.metadata_is_fuzzy = False
    dst.save(DST)
    print(f"sr: {done} transliterated, {len(dst.untranslated_entries())} untranslated")


if __name__ == "__main__":
    main()
