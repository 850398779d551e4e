from tickets import hooks, selectors
from tickets.access import is_lead_or_above, is_manager_or_above, is_staff_member, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    selectors.prefetch_badges(request)  # every badge in one query, before the providers read theirs
    return {
        "nav_roles": roles_of(user),
        "nav_is_staff_member": is_staff_member(user),
        "nav_is_lead": is_lead_or_above(user),
        "nav_is_manager": is_manager_or_above(user),
        "extra_nav": [item for provider in hooks.nav_items for item in provider(request)],
    }
