"""Template helpers of the agent's tools: custom field values in inbox cells, the composer's last seen message."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def field_cell(ticket, field: dict) -> str:
    """A ticket's value of one custom field (a row of selectors.filterable_fields), as the inbox shows it."""
    value = (ticket.fields or {}).get(field["key"])
    if value is None or value == "":
        return ""
    if field["type"] == "checkbox":
        return _("Yes") if value else _("No")
    return str(value)


@register.simple_tag
def last_message_id(thread) -> int:
    """The newest message on the page (the thread is already loaded above the composer: no query)."""
    return max((m.pk for m in thread), default=0)
