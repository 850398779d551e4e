"""The notice kind automations send (action `notify`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices import kinds


def _render(notice) -> str:
    return _("The rule “%(rule)s” asks you to look at a ticket.") % {"rule": notice.params.get("rule", "")}


def _url(notice) -> str:
    _label, _sep, pk = notice.target.partition(":")
    return f"/tickets/{pk}/" if pk else "/"


kinds.register("automations.rule", label=gettext_lazy("Automation rule"), render=_render, url=_url)


def install() -> None:
    from automations import views
    from helpdesk.registration import register
    from tickets import hooks

    register(hooks.nav_items, views.nav_items)
