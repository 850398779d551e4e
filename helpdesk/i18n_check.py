"""Finds text in templates that is not marked for translation.

A deliberately strict heuristic: after removing template tags, variables, translated blocks, scripts,
styles and code samples, any remaining word in a text node or in a title/placeholder/aria-label/alt
attribute is text a user would see in English whatever their language.
`python -m helpdesk.i18n_check` lists them; a test keeps the list empty.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates"]

ALLOWED = {"Latitude", "API", "CSV", "PDF", "CSAT", "SLA", "OK", "ID", "LAT", "Re"}
BLOCKS = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{%\s*plural\s*%\}", re.S),
    re.compile(r"\{%\s*block\s+(container|title_suffix)\s*%\}.*?\{%\s*endblock\s*%\}", re.S),
    re.compile(r"<code\b.*?</code>", re.S | re.I),
    re.compile(r"&[a-z]+;|&#\d+;"),
]
TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
ATTR = re.compile(r"""\b(title|placeholder|aria-label|alt|aria-description)\s*=\s*("([^"]*)"|'([^']*)')""", re.I)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    for block in BLOCKS:
        text = block.sub(" ", text)
    found = []
    for m in ATTR.finditer(text):
        value = TAG.sub("", m.group(3) if m.group(3) is not None else m.group(4))
        words = [w for w in WORD.findall(value) if w not in ALLOWED]
        if words:
            found.append(f'{m.group(1)}="{value.strip()[:60]}"')
    text = TAG.sub(" ", text)
    text = HTML_TAG.sub("\n", text)
    for line in text.splitlines():
        line = line.strip()
        words = [w for w in WORD.findall(line) if w not in ALLOWED]
        if words and not re.fullmatch(r"[\W\d_]*", line):
            found.append(line[:80])
    return found


def unmarked_strings(paths=None) -> list[str]:
    found = []
    for base in paths or TEMPLATE_DIRS:
        for path in sorted(Path(base).rglob("*")):
            if path.suffix not in {".html", ".txt"}:
                continue
            name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            found.extend(f"{name}: {p}" for p in problems(path))
    return found


if __name__ == "__main__":
    lines = unmarked_strings([Path(p) for p in sys.argv[1:]] or None)
    print("\n".join(lines))
    print(len(lines), "unmarked", file=sys.stderr)
