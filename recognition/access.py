"""Who may see and do what among colleagues. Views and the API ask these predicates only.

Reviews are private to the agent, the lead of the agent's department, and the manager of that
department (and admins); anyone else gets a 404, as if the review did not exist.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from recognition.models import Announcement, Kudos, Review, Visibility
from tickets.access import department_id_of, has_role, is_lead_or_above, is_staff_member
from tickets.models import Department, Role, Ticket

User = get_user_model()


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def staff_users() -> QuerySet:
    """Everyone who works here: active users in one of the staff groups."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[r.value for r in Role]) | Q(is_superuser=True))
        .distinct()
    )


# --- kudos -------------------------------------------------------------------------------------


def visible_kudos(user) -> QuerySet[Kudos]:
    """The kudos this user may see: public ones, their own (given or received), and, for a lead,
    those meant for "the recipient and their lead" where the recipient is in a department they lead."""
    if not is_staff_member(user):
        return Kudos.objects.none()
    led = Department.objects.filter(lead=user).values("id")
    return Kudos.objects.filter(
        Q(visibility=Visibility.EVERYONE)
        | Q(giver=user)
        | Q(recipient=user)
        | Q(visibility=Visibility.LEAD, recipient__profile__department__in=led)
    )


def can_view_kudos(user, kudos: Kudos) -> bool:
    return visible_kudos(user).filter(pk=kudos.pk).exists()


def get_kudos_for_user(user, pk: int) -> Kudos:
    return get_object_or_404(visible_kudos(user).select_related("giver", "recipient", "value"), pk=pk)


# --- reviews -----------------------------------------------------------------------------------


def leads_department_of(user, agent) -> bool:
    department_id = department_id_of(agent)
    return department_id is not None and Department.objects.filter(pk=department_id, lead=user).exists()


def manages_department_of(user, agent) -> bool:
    department_id = department_id_of(agent)
    return department_id is not None and Department.objects.filter(pk=department_id, manager=user).exists()


def can_view_review(user, review: Review) -> bool:
    if not user.is_authenticated:
        return False
    if review.agent_id == user.id or is_admin(user):
        return True
    return leads_department_of(user, review.agent) or manages_department_of(user, review.agent)


def review_figures_for(user, review: Review) -> dict:
    """The review's figures as this reader may see them: kudos meant for the recipient and their lead are
    quoted to those two only, not to the department's manager or an admin reading the same review."""
    figures = dict(review.figures or {})
    kudos = figures.get("kudos")
    if kudos and kudos.get("quotes"):
        lead_may_read = review.agent_id == user.id or leads_department_of(user, review.agent)
        kudos = dict(kudos)
        # A quote without a visibility (older snapshots) is treated as the most private kind quoted.
        kudos["quotes"] = [q for q in kudos["quotes"] if q.get("visibility", "lead") == "everyone" or lead_may_read]
        figures["kudos"] = kudos
    return figures


def can_write_lead_part(user, review: Review) -> bool:
    """The lead (or the department's manager) writes notes and goals and signs for the company; never
    on their own review."""
    return review.agent_id != user.id and can_view_review(user, review)


def visible_reviews(user) -> QuerySet[Review]:
    if is_admin(user):
        return Review.objects.all()
    departments = Department.objects.filter(Q(lead=user) | Q(manager=user)).values("id")
    return Review.objects.filter(Q(agent=user) | Q(agent__profile__department__in=departments))


def get_review_for_user(user, pk: int) -> Review:
    review = get_object_or_404(Review.objects.select_related("agent", "department", "lead_author"), pk=pk)
    if not can_view_review(user, review):
        raise Http404("No such review")
    return review


def can_prepare_reviews(user) -> bool:
    return is_lead_or_above(user)


# --- internal service --------------------------------------------------------------------------


def can_view_department_requests(user, department: Department) -> bool:
    """A department's members, lead and manager see the internal requests it received."""
    if not is_staff_member(user):
        return False
    if is_admin(user) or has_role(user, Role.MANAGER):
        return True
    return department_id_of(user) == department.pk or department.lead_id == user.id


def can_rate_internal_request(user, ticket: Ticket) -> bool:
    return ticket.requested_by_id == user.id


# --- announcements -----------------------------------------------------------------------------


def can_post_announcements(user) -> bool:
    return is_lead_or_above(user)


def get_announcement_for_user(user, pk: int) -> Announcement:
    if not is_staff_member(user):
        raise Http404("No such announcement")
    return get_object_or_404(Announcement.objects.select_related("author"), pk=pk)
