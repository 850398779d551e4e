"""The form renderer: Django's own, with its commonest widget templates built in Python.

A page's filter and properties forms render a dozen selects of up to a few hundred options each; through
the template engine that is an include per option and was an eighth of the inbox's time. For the stock
templates below, `QuickRenderer` produces the same text the template would (a test compares them over
every widget the project uses), and falls back to the template whenever a template of that name is not
Django's own file (a project or app that overrides one keeps its version) or a widget uses another
option template.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
INPUTS = {f"{WIDGETS}{name}.html" for name in ("input", "text", "number", "email", "url", "password", "hidden")}
INPUTS |= {f"{WIDGETS}{name}.html" for name in ("checkbox", "date", "datetime", "time", "search", "tel", "color")}
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"
STOCK_DIR = Path(django.__file__).resolve().parent / "forms" / "templates"


def _text(value) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    return conditional_escape(localize(template_localtime(value)))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe, anything else is escaped."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None  # another option template: the template engine renders it
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class QuickRenderer(DjangoTemplates):
    """settings.FORM_RENDERER."""

    @cached_property
    def _stock(self) -> frozenset[str]:
        """The fast-path templates that resolve to Django's own files here (not overridden)."""
        names = {*INPUTS, SELECT, OPTION, TEXTAREA}
        stock = set()
        for name in names:
            try:
                origin = Path(str(self.get_template(name).origin.name)).resolve()
            except TemplateDoesNotExist:
                continue
            if origin.is_relative_to(STOCK_DIR):
                stock.add(name)
        return frozenset(stock)

    def render(self, template_name, context, request=None):
        if template_name in self._stock and "widget" in context:
            widget = context["widget"]
            html = None
            if template_name == SELECT and OPTION in self._stock:
                html = _select(widget)
            elif template_name in INPUTS:
                html = _input(widget)
            elif template_name == TEXTAREA:
                html = _textarea(widget)
            if html is not None:
                return mark_safe(html.strip())
        return super().render(template_name, context, request=request)
