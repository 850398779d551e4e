"""Display helpers for the satisfaction pages: percentages that say "—" when there is nothing to divide."""

from __future__ import annotations

from django import template
from django.http import QueryDict
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
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for name in _NOT_CARRIED:
        query.pop(name, None)
    if by:
        params = {by: value, **params}
    if params.get("since") not in (None, ""):
        params["period"] = "custom"
    for name, val in params.items():
        if val is None or val == "":
            continue
        query[name] = val.isoformat() if hasattr(val, "isoformat") else str(val)
    encoded = query.urlencode()
    return reverse(view) + (f"?{encoded}" if encoded else "")


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
