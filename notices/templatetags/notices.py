from django import template

from notices import selectors

register = template.Library()


@register.filter
def notice_text(notice) -> str:
    """`{{ notice|notice_text }}`: the notice's words in the viewer's language."""
    return selectors.render(notice)


@register.filter
def notice_url(notice) -> str:
    return selectors.url(notice)
