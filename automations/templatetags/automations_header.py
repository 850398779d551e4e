"""`{% availability_switch %}`: the top bar's available/away switch for agents and leads (no query when warm)."""

from django import template

from automations import access, routing

register = template.Library()


def switch_context(user) -> dict:
    if not user.is_authenticated or not access.can_toggle_availability(user):
        return {"show": False}
    state = routing.header_state(user)
    return {"show": True, **state}


@register.inclusion_tag("automations/_availability.html", takes_context=True)
def availability_switch(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"show": False}
    return {**switch_context(user), "csrf_token": context.get("csrf_token"), "request": request}
