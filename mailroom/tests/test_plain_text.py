"""The text part of every e-mail is plain text: no HTML entities, whatever the values hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from mailroom.rendering import render_email

TRICKY = "O'Brien & \"Sons\" <can't>"
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);")


class Anything:
    """Any attribute, item or call of it is itself; printed, it is a string that HTML would escape."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter([self])

    def __str__(self):
        return TRICKY


class EveryName(dict):
    # Counters of {% blocktranslate count … %} must be numbers (e.g. the portal link's validity).
    NUMBERS = {"minutes", "hours", "days", "count", "n"}

    def __contains__(self, key):
        return True

    def __missing__(self, key):
        return 30 if key in self.NUMBERS else Anything()


def kinds() -> list[str]:
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    return sorted(p.name.removesuffix("-body.txt") for p in folder.glob("*-body.txt"))


def test_there_are_e_mail_kinds_to_check():
    assert {"reply", "survey", "offscript-approval-request", "offscript-approval-decided"} <= set(kinds())


@pytest.mark.django_db
@pytest.mark.parametrize("name", kinds())
@pytest.mark.parametrize("language", ["en", "pt", "el"])
def test_every_kinds_text_part_and_subject_carry_no_html_entities(name, language):
    subject, text, _html = render_email(name, EveryName(), language=language)
    assert not ENTITY.search(subject), subject
    assert not ENTITY.search(text), text
    assert text.strip()
