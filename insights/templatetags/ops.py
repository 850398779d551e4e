from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def minutes(value) -> str:
    """Business minutes as "45 min", "3 h 05 min" or "2 d 4 h" (8-hour days are not assumed: 24 h)."""
    if value is None:
        return "—"
    total = int(round(value))
    if total < 60:
        return _("%(m)d min") % {"m": total}
    hours, mins = divmod(total, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": mins}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


@register.filter
def percent_of(part, whole) -> str:
    if not whole:
        return "—"
    return f"{100.0 * part / whole:.1f} %"
