"""Admins' privacy pages on a customer: download the export, erase (with the address typed to confirm)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from privacy import services
from privacy.forms import EraseForm
from tickets.access import role_required
from tickets.models import Customer, Role


def export_response(*, customer: Customer, by) -> FileResponse:
    """The archive, built into a spooled temporary file (memory up to 8 MB, then disk) and streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    services.export_customer(customer=customer, by=by, out=spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"customer-{customer.pk}.zip", content_type="application/zip"
    )


@require_GET
@role_required(Role.ADMIN)
def customer_export(request: HttpRequest, pk: int) -> FileResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return export_response(customer=customer, by=request.user)


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def customer_erase(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = EraseForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        counts = services.erase_customer(customer=customer, by=request.user)
        n = counts["tickets"]
        messages.success(
            request,
            ngettext(
                "The customer's personal data was erased from %(n)s ticket.",
                "The customer's personal data was erased from %(n)s tickets.",
                n,
            )
            % {"n": n},
        )
        return redirect("tickets:customer", pk=customer.pk)
    context = {"customer": customer, "form": form, "summary": services.customer_summary(customer)}
    return render(request, "privacy/erase.html", context, status=400 if form.errors else 200)
