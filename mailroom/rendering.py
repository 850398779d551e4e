"""The one helper that builds an e-mail from templates: templates/emails/<name>-subject.txt,
<name>-body.txt and (optional) <name>-body.html, rendered in the recipient's language."""

from __future__ import annotations

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, *, language: str = "en") -> tuple[str, str, str]:
    """Returns (subject, text body, html body or "") rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        try:
            html = render_to_string(f"emails/{name}-body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html
