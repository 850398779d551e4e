"""Pages: the rules (admins and managers), an out-of-office with a deputy, and the top bar's availability switch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agents.models import Delegation
from automations import access, routing, selectors, services
from automations.forms import (
    ActionFormSet,
    ConditionFormSet,
    OutOfOfficeForm,
    RuleForm,
    TestTicketForm,
    initial_rows,
    live_rows,
    rule_data,
)
from automations.models import Availability
from helpdesk.errors import DomainError
from tickets.access import department_id_of, has_role, is_manager_or_above, role_required, staff_required
from tickets.models import Role

MANAGERS = (Role.MANAGER, Role.ADMIN)
ROW_PREFIXES = {"condition": "conditions", "action": "actions"}


def nav_items(request) -> list[dict]:
    """tickets.hooks.nav_items provider: "Automations" for managers and admins."""
    if is_manager_or_above(request.user):
        return [{"label": _("Automations"), "url": reverse("automations:list")}]
    return []


# --- the list --------------------------------------------------------------------------------


def _list_context() -> dict:
    return {"rules": list(selectors.rules_with_fire_counts()), "fired_days": selectors.FIRED_DAYS}


@require_GET
@role_required(*MANAGERS)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "automations/list.html", _list_context())


def _back_to_list(request: HttpRequest) -> HttpResponse:
    if request.htmx:
        return render(request, "automations/list.html#rules-table", _list_context())
    return redirect("automations:list")


@require_POST
@role_required(*MANAGERS)
def rule_toggle(request: HttpRequest, pk: str) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk)
    services.update_rule(rule=rule, by=request.user, active=not rule.active)
    return _back_to_list(request)


@require_POST
@role_required(*MANAGERS)
def rule_move(request: HttpRequest, pk: str) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponse(_("Move up or down."), status=400)
    services.move_rule(rule=rule, direction=direction, by=request.user)
    return _back_to_list(request)


@require_POST
@role_required(*MANAGERS)
def rule_delete(request: HttpRequest, pk: str) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk)
    services.delete_rule(rule=rule, by=request.user)
    messages.success(request, _("The rule “%(name)s” was deleted.") % {"name": rule.name})
    return redirect("automations:list")


# --- the editor ------------------------------------------------------------------------------


def _with_one_more_row(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


def _show_problems(problems, rule_form, cond_set, action_set) -> None:
    """Each problem the services found, next to the row and field it names."""
    rows = {"conditions": live_rows(cond_set), "actions": live_rows(action_set)}
    for field, message in problems:
        head, _sep, attribute = field.partition(".")
        name, _bracket, index = head.partition("[")
        if name in rows and index:
            position = int(index.rstrip("]"))
            if position < len(rows[name]):
                form = rows[name][position][1]
                form.add_error(attribute if attribute in form.fields else "value", message)
                continue
        rule_form.add_error(name if name in rule_form.fields else None, message)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def rule_edit(request: HttpRequest, pk: str | None = None) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk) if pk is not None else None
    status = 200
    if request.method == "POST":
        data = request.POST
        adding = ROW_PREFIXES.get(request.POST.get("add", ""))
        if adding:  # "add a row": the same form again with one more empty row, nothing saved
            data = _with_one_more_row(data, adding)
        rule_form = RuleForm(data)
        cond_set = ConditionFormSet(data, prefix="conditions")
        action_set = ActionFormSet(data, prefix="actions")
        if not adding:
            valid = rule_form.is_valid() & cond_set.is_valid() & action_set.is_valid()
            if valid:
                values = rule_data(rule_form, cond_set, action_set)
                problems = services.rule_problems(values)
                if not problems:
                    try:
                        if rule is None:
                            rule = services.create_rule(by=request.user, **values)
                        else:
                            rule = services.update_rule(rule=rule, by=request.user, **values)
                    except DomainError as exc:
                        problems = [(exc.field or "", exc.message)]
                    else:
                        messages.success(request, _("The rule “%(name)s” was saved.") % {"name": rule.name})
                        return redirect("automations:edit", pk=rule.pk)
                _show_problems(problems, rule_form, cond_set, action_set)
            status = 400
    else:
        if rule is None:
            rule_form = RuleForm(initial={"event": "ticket_created", "active": True})
            cond_rows, action_rows = [{}], [{}]
        else:
            rule_form = RuleForm(initial={"name": rule.name, "event": rule.event, "active": rule.active})
            cond_rows, action_rows = initial_rows(rule)
        cond_set = ConditionFormSet(initial=cond_rows, prefix="conditions")
        action_set = ActionFormSet(initial=action_rows or [{}], prefix="actions")
    return render(
        request,
        "automations/edit.html",
        {
            "rule": rule,
            "form": rule_form,
            "conditions": cond_set,
            "actions": action_set,
            "test_form": TestTicketForm(),
        },
        status=status,
    )


@require_GET
@role_required(*MANAGERS)
def rule_test(request: HttpRequest, pk: str) -> HttpResponse:
    """Which conditions hold for a ticket and what the actions would do; nothing is written."""
    rule = access.get_rule_for_user(request.user, pk)
    form = TestTicketForm(request.GET)
    context = {"rule": rule, "test_form": form, "ticket": None}
    status = 200
    if form.is_valid():
        ticket = selectors.ticket_by_reference(form.cleaned_data["ticket"])
        if ticket is None:
            form.add_error("ticket", _("No ticket %(ref)s.") % {"ref": form.cleaned_data["ticket"]})
            status = 404
        else:
            checks = selectors.check_conditions(rule, ticket)
            context.update(
                ticket=ticket,
                checks=checks,
                previews=selectors.preview_actions(rule, ticket),
                would_act=all(c.holds for c in checks),
            )
    else:
        status = 400
    template = "automations/test.html#test-result" if request.htmx else "automations/test.html"
    # htmx swaps only 2xx answers by default; the form error is still the answer to show.
    return render(request, template, context, status=200 if request.htmx else status)


# --- out of office ---------------------------------------------------------------------------


def _people_i_manage(user):
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True, groups__name__in=[Role.AGENT, Role.LEAD]).distinct()
    if is_manager_or_above(user):
        return people.exclude(pk=user.pk).order_by("username")
    if has_role(user, Role.LEAD) and department_id_of(user):
        return people.filter(profile__department_id=department_id_of(user)).exclude(pk=user.pk).order_by("username")
    return people.none()


@require_http_methods(["GET", "POST"])
@staff_required
def away(request: HttpRequest, user_id: str | None = None) -> HttpResponse:
    person = access.get_person_for_away(request.user, user_id if user_id is not None else str(request.user.pk))
    form = OutOfOfficeForm(request.POST or None, person=person)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_out_of_office(
                    person=person,
                    deputy=form.cleaned_data["deputy"],
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error({"to_user": "deputy"}.get(exc.field, exc.field) if exc.field else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Out of office saved: %(deputy)s stands in.")
                    % {"deputy": form.cleaned_data["deputy"].get_full_name() or form.cleaned_data["deputy"]},
                )
                return redirect(_away_url(request.user, person))
        status = 400
    periods = Delegation.objects.filter(from_user=person, ends_at__gt=timezone.now()).select_related("to_user")
    return render(
        request,
        "automations/away.html",
        {
            "person": person,
            "is_self": person.pk == request.user.pk,
            "form": form,
            "periods": periods.order_by("starts_at"),
            "now": timezone.now(),
            "availability": routing.availability_of(person),
            "team": _people_i_manage(request.user),
        },
        status=status,
    )


def _away_url(by, person) -> str:
    if by.pk == person.pk:
        return reverse("automations:away")
    return reverse("automations:away-for", args=[person.pk])


@require_POST
@staff_required
def away_cancel(request: HttpRequest, user_id: str) -> HttpResponse:
    person = access.get_person_for_away(request.user, user_id)
    services.cancel_out_of_office(person=person, by=request.user)
    messages.success(request, _("Out of office ended; the tickets handed over stay with the deputy."))
    return redirect(_away_url(request.user, person))


@require_POST
@staff_required
def availability(request: HttpRequest) -> HttpResponse:
    """The top bar's switch: available ⇄ away in one click (htmx swaps the switch itself)."""
    if not access.can_toggle_availability(request.user):
        raise PermissionDenied
    wanted = request.POST.get("availability", "")
    if wanted not in Availability.values:
        current = routing.availability_of(request.user)
        wanted = Availability.AWAY if current == Availability.AVAILABLE else Availability.AVAILABLE
    routing.set_availability(user=request.user, availability=wanted)
    if request.htmx:
        from automations.templatetags.automations_header import switch_context

        return render(request, "automations/_availability.html", switch_context(request.user))
    return redirect(request.POST.get("next") if _safe(request, request.POST.get("next")) else "tickets:inbox")


def _safe(request: HttpRequest, url: str | None) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
