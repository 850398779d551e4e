"""Display helpers for the satisfaction pages: percentages that say "—" when there is nothing to divide."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse

register = template.Library()

# The page number means nothing on another page; every filter (and the trend granularity, for the CSV) carries.
_NOT_CARRIED = ("page",)


@register.filter
def pct(value) -> str:
    """A CSAT or share in percent, one decimal, localised; "—" when undefined (no responses)."""
    if value is None:
        return "—"
    return f"{floatformat(value, 1)} %"


@register.filter
def rate(value) -> str:
    """A response rate stored as a fraction (0..1), shown in percent."""
    if value is None:
        return "—"
    return f"{floatformat(value * 100, 1)} %"


@register.filter
def points(value) -> str:
    """A difference of two percentages, signed, in percentage points."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{floatformat(abs(value), 1)}"


@register.simple_tag
def delta(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1)


@register.simple_tag(takes_context=True)
def drill(context, view: str = "insights:surveys", by: str = "", value="", **params) -> str:
    """A link to the surveys behind a number: the page's own filters, narrowed by `params`.

    `by`/`value` name one more filter (agent, team, queue, channel, kind); `since`/`until` switch to
    that custom period (a bucket of the trend, the comparison period). Empty values change nothing.
    A page draws a thousand of these: the page's own query and each view's path are worked out once
    per request, and a link is the page's pairs with the narrowed ones replaced in place (as a copy of
    request.GET would order them).
    """
    base, paths = _drill_memo(context.get("request"))
    if by:
        params = {by: value, **params}
    if params.get("since") not in (None, ""):
        params["period"] = "custom"
    narrowed = {
        name: val.isoformat() if hasattr(val, "isoformat") else str(val)
        for name, val in params.items()
        if val is not None and val != ""
    }
    pairs: list[tuple[str, str]] = []
    for name, values in base:
        if name in narrowed:
            pairs.append((name, narrowed.pop(name)))
        else:
            pairs.extend((name, v) for v in values)
    pairs.extend(narrowed.items())
    if view not in paths:
        paths[view] = reverse(view)
    return paths[view] + (f"?{urlencode(pairs)}" if pairs else "")


def _drill_memo(request) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
    if request is None:
        return [], {}
    memo = getattr(request, "_insights_drill", None)
    if memo is None:
        memo = ([(k, v) for k, v in request.GET.lists() if k not in _NOT_CARRIED], {})
        request._insights_drill = memo
    return memo


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def preset_dates(name: str) -> str:
    """`data-since`/`data-until` for a period option, so From/To follow the picker at once (period-picker.js)."""
    from django.utils.html import format_html

    from insights.periods import PRESETS, preset_period

    if name not in PRESETS or name == "custom":
        return ""
    current, _previous = preset_period(name)
    return format_html(' data-since="{}" data-until="{}"', current.since.isoformat(), current.until.isoformat())
