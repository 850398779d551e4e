"""The one helper that builds an e-mail from templates: templates/emails/<name>-subject.txt,
<name>-body.txt and (optional) <name>-body.html, rendered in the recipient's language.

Admins can override an e-mail per queue and language with a MailTemplate row (kind = name): a
queue's own template wins over the every-queue one, which wins over the files. A template an admin
broke never stops mail: it is logged and the file templates are used instead.
"""

from __future__ import annotations

import logging

from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template, render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def find_mail_template(name: str, *, language: str, queue=None):
    """The admin's template for this kind, language and queue (or every queue), if any."""
    from mailroom.models import MailTemplate

    candidates = MailTemplate.objects.filter(kind=name, language=language)
    if queue is not None:
        own = candidates.filter(queue=queue).first()
        if own is not None:
            return own
    return candidates.filter(queue__isnull=True).first()


def _render_string(source: str, context: dict, *, autoescape: bool) -> str:
    engine = Engine.get_default()
    template = Template("{% load i18n %}" + source, engine=engine)
    return template.render(Context(context, autoescape=autoescape))


def render_plain_text(template_name: str, context: dict) -> str:
    """A subject or text part: plain text, so nothing is HTML-escaped (no `can&#x27;t`)."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_email(name: str, context: dict, *, language: str = "en", queue=None) -> tuple[str, str, str]:
    """Returns (subject, text body, html body or "") rendered in `language`."""
    with translation.override(language):
        custom = find_mail_template(name, language=language, queue=queue)
        if custom is not None:
            try:
                subject = " ".join(_render_string(custom.subject, context, autoescape=False).split())
                text = _render_string(custom.body_text, context, autoescape=False)
                html = _render_string(custom.body_html, context, autoescape=True) if custom.body_html.strip() else ""
                return subject, text, html
            except (TemplateSyntaxError, Exception):  # noqa: BLE001 - never let an edited template stop mail
                logger.exception("E-mail template %s could not be rendered; using the default", custom.pk)
        subject = " ".join(render_plain_text(f"emails/{name}-subject.txt", context).split())
        text = render_plain_text(f"emails/{name}-body.txt", context)
        try:
            html = render_to_string(f"emails/{name}-body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html
