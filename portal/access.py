"""Who the customer in this browser is, and what they may see. A customer is never a Django user:
the portal keeps the customer's id in the session under its own key; staff sign-in is untouched."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import translation

from portal import selectors
from tickets.models import Attachment, Customer, MessageKind, Ticket

SESSION_KEY = "latitude_portal_customer"
CUSTOMER_ROLE = "customer"  # not a Django group: a customer signed in to the portal (the session key above)


def sign_in(request: HttpRequest, customer: Customer) -> None:
    # A new session key on sign-in: a session id planted before the link was used is worthless.
    request.session.cycle_key()
    request.session[SESSION_KEY] = customer.pk


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_customer(request: HttpRequest) -> Customer | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Customer.objects.filter(pk=pk).first()


def customer_required(view):
    """Pages for a signed-in customer, in the customer's language; others go to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        customer = current_customer(request)
        if customer is None:
            return redirect("portal:start")
        request.customer = customer
        translation.activate(customer.language)
        request.LANGUAGE_CODE = translation.get_language()
        return view(request, *args, **kwargs)

    wrapper.required_roles = (CUSTOMER_ROLE,)  # read by the permission matrix
    return wrapper


def get_ticket_for_customer(customer: Customer, pk: int, *, for_update: bool = False) -> Ticket:
    """A ticket the customer may not see does not exist (404)."""
    qs = selectors.portal_tickets(customer).select_related("customer", "queue")
    return get_object_or_404(qs, pk=pk)


def get_attachment_for_customer(customer: Customer, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    if attachment.message.kind == MessageKind.NOTE:
        raise Http404("No such attachment")
    if not selectors.portal_tickets(customer).filter(pk=attachment.message.ticket_id).exists():
        raise Http404("No such attachment")
    return attachment
