from django import template

from recognition import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_required_announcements(context):
    """The required announcements the viewer has not acknowledged yet (for the inbox banner)."""
    if "unread_required_announcements" in context:
        return context["unread_required_announcements"]
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return list(selectors.unread_required_announcements(request.user)[:5])
