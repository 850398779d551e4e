"""Help-centre search. Each article keeps `search_text`: its title and text folded in Python (lower
case, no accents, Serbian Cyrillic in Latin letters, Greek final sigma as sigma), so that a query
typed without accents or in the other Serbian script finds it, on every database alike.

On PostgreSQL the folded text is indexed as a tsvector with the text-search configuration of the
article's language (portuguese, greek, serbian, english; `simple` where the server has none) and a
query is folded the same way and parsed with the same configuration. On SQLite: LIKE on the folded
text, every word required.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.db import connection
from django.db.models import F, Func, TextField, Value

_CYRILLIC = dict(
    zip(
        "абвгдђежзијклмнопрстћуфхцчш",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "dj",
            "e",
            "z",
            "z",
            "i",
            "j",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "c",
            "u",
            "f",
            "h",
            "c",
            "c",
            "s",
        ],
        strict=True,
    )
)
_CYRILLIC.update({"љ": "lj", "њ": "nj", "џ": "dz"})
_SPECIAL = {"đ": "dj", "ς": "σ", "ß": "ss", "ø": "o", "ł": "l"}
WORD_RE = re.compile(r"\w+", re.UNICODE)

LANGUAGE_CONFIGS = {
    "en": "english",
    "pt": "portuguese",
    "pt-br": "portuguese",
    "el": "greek",
    "sr": "serbian",
    "sr-latn": "serbian",
}


def fold(text: str) -> str:
    """Lower case, accents removed, Serbian Cyrillic transliterated: the form both sides are compared in."""
    text = (text or "").lower()
    text = "".join(_CYRILLIC.get(ch) or _SPECIAL.get(ch) or ch for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


@functools.cache
def _available_configs() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def ts_config(language: str) -> str:
    """The PostgreSQL text-search configuration for a language, or `simple` where there is none."""
    wanted = LANGUAGE_CONFIGS.get((language or "").lower(), "simple")
    return wanted if wanted in _available_configs() else "simple"


def folded_title() -> Func:
    """The title part of `search_text` (its first line: `search_text_of` puts the folded title there)."""
    return Func(F("search_text"), Value("\n"), Value(1), function="split_part", output_field=TextField())


def prefix_query(text: str, *, any_word: bool = False) -> str:
    """A to_tsquery string: every word required (or any one, for suggestions while typing), the last
    one as a prefix since it may be half typed."""
    parts = words(text)[:12]
    if not parts:
        return ""
    terms = [f"{w}" for w in parts[:-1]] + [f"{parts[-1]}:*"]
    return (" | " if any_word else " & ").join(terms)
