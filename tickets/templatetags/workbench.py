from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel: dict):
    """Render a side panel from tickets.hooks.ticket_panels with the page's context plus its own."""
    tmpl = context.template.engine.get_template(panel["template"])
    with context.push(**(panel.get("context") or {})):
        return tmpl.render(context)


@register.simple_tag
def message_body(message):
    """One thread message's body: a later app's renderer (tickets.hooks.message_body_renderers) or the default."""
    from django.utils.html import linebreaks
    from django.utils.safestring import mark_safe

    from tickets import hooks

    for renderer in hooks.message_body_renderers:
        html = renderer(message)
        if html is not None:
            return html
    if message.body_html:
        return mark_safe(message.body_html)  # sanitised with nh3 when stored
    return mark_safe(linebreaks(message.body, autoescape=True))


@register.filter
def countdown(due):
    """ "due in 2 h" / "overdue 35 min" for an SLA target (business hours are already in the due time)."""
    from tickets.timetext import countdown as text

    return text(due) if due else ""


@register.filter
def ago(when):
    """ "3 h ago", where how long something has waited matters more than the clock time."""
    from tickets.timetext import ago as text

    return text(when) if when else ""
