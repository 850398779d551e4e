"""Every screen in every language: catalogues complete, up to date with the code, templates marked."""

import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from helpdesk.i18n_check import ROOT, unmarked_strings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    untranslated = [e.msgid[:60] for e in po.untranslated_entries()]
    fuzzy = [e.msgid[:60] for e in po.fuzzy_entries()]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_compiles_with_matching_placeholders(code):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext (msgfmt) is not installed")
    path = ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_catalogues_hold_every_string_the_code_marks(tmp_path):
    """Re-extract the messages from a copy of the source: nothing marked in code may be missing."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "node_modules", "var", ".git", "locale", "__pycache__", "test-artifacts")
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "el", "-v0", "--ignore=bench", "--ignore=*/tests/*"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {(e.msgctxt or "", e.msgid) for e in polib.pofile(str(copy / "locale/el/LC_MESSAGES/django.po"))}
    for code in LANGUAGES:
        present = {(e.msgctxt or "", e.msgid) for e in catalogue(code) if not e.obsolete}
        missing = sorted(m for _c, m in extracted - present)
        assert not missing, f"{code}: run makemessages; {len(missing)} new strings, e.g. {missing[:5]}"


def test_templates_hold_no_text_left_unmarked_for_translation():
    assert unmarked_strings() == []


def test_the_check_notices_unmarked_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('{% load i18n %}<h1>{% translate "Inbox" %}</h1><p>Hello agent</p><input placeholder="Search">')
    found = unmarked_strings([tmp_path])
    assert any("Hello agent" in line for line in found)
    assert any('placeholder="Search"' in line for line in found)
