"""Webhook pages for managers and admins: the list with a form to add one, and each webhook's delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tickets.access import role_required
from tickets.models import Role
from webhooks import access, services
from webhooks.forms import WebhookForm
from webhooks.models import Attempt, Delivery, Webhook

MANAGERS = (Role.MANAGER, Role.ADMIN)
DELIVERIES_PER_PAGE = 25


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.create_webhook(by=request.user, **form.cleaned_data)
        except services.WebhookError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("Webhook added. Its signing secret, shown only now: %(s)s") % {"s": webhook.secret}
            )
            return redirect("webhooks:detail", pk=webhook.pk)
    return render(request, "webhooks/list.html", {"webhooks": Webhook.objects.all(), "form": form})


@require_GET
@role_required(*MANAGERS)
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = access.get_webhook_for_user(request.user, pk)
    page = Paginator(Delivery.objects.filter(webhook=webhook).order_by("-created_at"), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    attempts: dict = {}
    for attempt in Attempt.objects.filter(delivery__in=list(page.object_list)).order_by("-started_at", "-id"):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    rows = [(d, attempts.get(d.id, [])) for d in page.object_list]
    return render(request, "webhooks/detail.html", {"webhook": webhook, "page": page, "rows": rows})


@require_POST
@role_required(*MANAGERS)
def webhook_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = access.get_webhook_for_user(request.user, pk)
    services.update_webhook(webhook=webhook, by=request.user, changes={"active": not webhook.active})
    return redirect("webhooks:detail", pk=webhook.pk)


@require_POST
@role_required(*MANAGERS)
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_webhook(webhook=access.get_webhook_for_user(request.user, pk), by=request.user)
    messages.success(request, _("Webhook deleted."))
    return redirect("webhooks:list")


@require_POST
@role_required(*MANAGERS)
def redeliver(request: HttpRequest, pk: int, delivery_id: str) -> HttpResponse:
    webhook = access.get_webhook_for_user(request.user, pk)
    delivery = access.get_delivery_for_user(request.user, webhook, delivery_id)
    try:
        services.redeliver(delivery=delivery, by=request.user)
    except services.WebhookError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The delivery is on its way again."))
    return redirect("webhooks:detail", pk=webhook.pk)
