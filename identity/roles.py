"""The provider's groups → Latitude's roles (Django groups) and department (the profile's)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tickets.access import STAFF_ROLES
from tickets.models import Department, Profile, Role

# When one person is in several mapped groups, the highest role wins and its department is kept.
RANK = {Role.AGENT: 1, Role.LEAD: 2, Role.MANAGER: 3, Role.ADMIN: 4}


@dataclass(frozen=True)
class Grant:
    role: str
    department_slug: str = ""


def group_map() -> dict[str, Grant]:
    """OIDC_GROUP_MAP parsed: `provider-group=role[:department-slug]`, comma-separated."""
    mapping = {}
    for item in settings.OIDC_GROUP_MAP:
        group, sep, target = item.partition("=")
        role, _colon, slug = target.strip().partition(":")
        if not sep or not group.strip() or role not in STAFF_ROLES:
            raise ImproperlyConfigured(
                f"OIDC_GROUP_MAP entries are group=role or group=role:department-slug with a role among "
                f"{', '.join(STAFF_ROLES)}; not {item!r}"
            )
        mapping[group.strip()] = Grant(role=role, department_slug=slug.strip())
    return mapping


def grants_for(groups: list[str]) -> list[Grant]:
    mapping = group_map()
    return [mapping[g] for g in groups if g in mapping]


def groups_from_claims(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(g) for g in value if isinstance(g, (str, int))]


@transaction.atomic
def apply_grants(*, user, grants: list[Grant]) -> None:
    """The provider decides roles: every sign-in sets the user's roles to exactly the mapped ones, and the
    department to the one named by the highest mapped role (kept as it is when no grant names one)."""
    roles = {g.role for g in grants}
    wanted = [Group.objects.get_or_create(name=role)[0] for role in roles]
    current = set(user.groups.filter(name__in=STAFF_ROLES))
    for group in current - set(wanted):
        user.groups.remove(group)
    for group in set(wanted) - current:
        user.groups.add(group)
    user.__dict__.pop("_latitude_roles", None)
    named = sorted((g for g in grants if g.department_slug), key=lambda g: RANK[g.role], reverse=True)
    profile, _created = Profile.objects.get_or_create(user=user)
    if named:
        department = Department.objects.filter(slug=named[0].department_slug).first()
        if department is not None and profile.department_id != department.pk:
            profile.department = department
            profile.save(update_fields=["department"])
    is_admin = Role.ADMIN in roles
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        # The Django admin is for admins; a person the provider no longer makes admin loses it (a superuser
        # counts as an admin everywhere, so the flag follows the role).
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
