"""The customer portal's pages: ask for a sign-in link, use it, then read and answer one's tickets."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from helpdesk.errors import DomainError
from portal import access, selectors, services
from portal.access import customer_required
from portal.forms import PortalReplyForm, PortalSurveyForm, SignInRequestForm
from tickets.forms import read_uploads


def _rate_per_address(group, request):
    return settings.PORTAL_LINK_RATE_PER_ADDRESS


def _rate_per_ip(group, request):
    return settings.PORTAL_LINK_RATE_PER_IP


def _address_key(group, request):
    return (request.POST.get("email") or "").strip().lower()


def _limited(request: HttpRequest) -> bool:
    by_ip = is_ratelimited(request, group="portal.link.ip", key="ip", rate=_rate_per_ip, method="POST", increment=True)
    by_address = is_ratelimited(
        request, group="portal.link.address", key=_address_key, rate=_rate_per_address, method="POST", increment=True
    )
    return by_ip or by_address


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if access.current_customer(request) is not None:
            return redirect("portal:tickets")
        return render(request, "portal/start.html", {"form": SignInRequestForm()})
    form = SignInRequestForm(request.POST)
    if _limited(request):
        form.add_error(None, _("Too many requests. Please wait a while and try again."))
        return render(request, "portal/start.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "portal/start.html", {"form": form}, status=400)
    services.request_sign_in_link(email=form.cleaned_data["email"])
    # The same page whether the address is known or not: the portal never says who is a customer.
    return render(request, "portal/link_sent.html", {"minutes": settings.PORTAL_LINK_MINUTES})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that follow links must not use up the link.
    if request.method == "GET":
        return render(request, "portal/sign_in.html", {"token": token})
    try:
        customer = services.redeem_sign_in_link(token=token)
    except services.LinkInvalid as exc:
        return render(request, "portal/start.html", {"form": SignInRequestForm(), "error": exc.message}, status=400)
    access.sign_in(request, customer)
    return redirect("portal:tickets")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    access.sign_out(request)
    return redirect("portal:start")


@require_GET
@customer_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = list(selectors.ticket_list(request.customer)[:200])
    return render(request, "portal/tickets.html", {"customer": request.customer, "tickets": tickets})


def _detail(request: HttpRequest, ticket, *, form=None, status: int = 200) -> HttpResponse:
    context = {
        "customer": request.customer,
        "ticket": ticket,
        "thread": selectors.public_thread(ticket),
        "form": form or PortalReplyForm(),
        "can_reply": services.can_reply(ticket),
        "can_reopen": services.can_reopen(ticket),
        "survey": selectors.pending_survey(ticket),
        "own": ticket.customer_id == request.customer.pk,
    }
    return render(request, "portal/ticket.html", context, status=status)


@require_GET
@customer_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_ticket_for_customer(request.customer, pk))


@require_POST
@customer_required
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access.get_ticket_for_customer(request.customer, pk)
    form = PortalReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ticket, form=form, status=400)
    upload = form.cleaned_data["attachment"]
    try:
        services.reply_from_portal(
            ticket=ticket,
            customer=request.customer,
            body=form.cleaned_data["body"],
            attachments=read_uploads([upload]) if upload else None,
        )
    except DomainError as exc:
        form.add_error("body", exc.message)
        return _detail(request, ticket, form=form, status=400)
    messages.success(request, _("Your reply was added to the request."))
    return redirect("portal:ticket", pk=ticket.pk)


@require_POST
@customer_required
def ticket_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access.get_ticket_for_customer(request.customer, pk)
    try:
        services.reopen_from_portal(ticket=ticket, customer=request.customer)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:ticket", pk=ticket.pk)
    messages.success(request, _("The request is open again. We will get back to you."))
    return redirect("portal:ticket", pk=ticket.pk)


@require_http_methods(["GET", "POST"])
@customer_required
def ticket_survey(request: HttpRequest, pk: int) -> HttpResponse:
    from feedback import services as feedback_services

    ticket = access.get_ticket_for_customer(request.customer, pk)
    survey = selectors.pending_survey(ticket)
    if survey is None or ticket.customer_id != request.customer.pk:
        messages.info(request, _("There is no survey waiting for this request."))
        return redirect("portal:ticket", pk=ticket.pk)
    if request.method == "GET":
        initial = {"rating": survey.rating, "comment": survey.comment} if survey.rating else None
        form = PortalSurveyForm(initial=initial)
        return render(request, "portal/survey.html", {"ticket": ticket, "form": form, "customer": request.customer})
    form = PortalSurveyForm(request.POST)
    if form.is_valid():
        try:
            feedback_services.record_answer(
                survey=survey, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("portal:ticket", pk=ticket.pk)
    return render(
        request, "portal/survey.html", {"ticket": ticket, "form": form, "customer": request.customer}, status=400
    )


@require_GET
@customer_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_attachment_for_customer(request.customer, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return HttpResponse(_("This file is missing from storage."), status=410, content_type="text/plain")
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
