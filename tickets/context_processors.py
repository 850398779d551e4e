from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets import hooks, selectors
from tickets.access import is_lead_or_above, is_manager_or_above, is_staff_member, roles_of

# The menu's dropdowns, in order. A provider's entry names its group (tickets.hooks.nav_items); an entry
# without one stays on the bar. Grouped, the bar fits 1366 px for every role and in every language.
NAV_GROUPS = {
    "me": _("My work"),
    "team": _("Team"),
    "reports": _("Reports"),
    "admin": _("Admin"),
}


def nav_groups(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """The bar's own entries and the dropdowns ({key, label, items, count}), empty groups left out."""
    top = [item for item in items if not item.get("group")]
    groups = []
    for key, label in NAV_GROUPS.items():
        members = [item for item in items if item.get("group") == key]
        if members:
            count = sum(item.get("count") or 0 for item in members)
            groups.append({"key": key, "label": label, "items": members, "count": count})
    return top, groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    selectors.prefetch_badges(request)  # every badge in one query, before the providers read theirs
    items = [item for provider in hooks.nav_items for item in provider(request)]
    if user.is_superuser:
        items.append({"label": _("Admin site"), "url": reverse("admin:index"), "group": "admin"})
    top, groups = nav_groups(items)
    htmx = getattr(request, "htmx", None)
    # The menu is re-fetched alone after an htmx action (tickets:nav): it marks the page the person is on.
    path = (htmx.current_url_abs_path if htmx and htmx.current_url_abs_path else None) or request.path
    return {
        "nav_roles": roles_of(user),
        "nav_is_staff_member": is_staff_member(user),
        "nav_is_lead": is_lead_or_above(user),
        "nav_is_manager": is_manager_or_above(user),
        "extra_nav": items,
        "nav_top": top,
        "nav_groups": groups,
        "nav_path": path.split("?")[0],
    }
