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
