from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel: dict):
    """Render a side panel from tickets.hooks.ticket_panels with the page's context plus its own."""
    tmpl = context.template.engine.get_template(panel["template"])
    with context.push(**(panel.get("context") or {})):
        return tmpl.render(context)
