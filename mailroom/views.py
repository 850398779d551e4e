"""The local outbox: lets a demo user read the mail Latitude would have sent."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from mailroom.models import OutboxMessage
from tickets.access import is_staff_member


def _check(request):
    if not is_staff_member(request.user):
        raise PermissionDenied


@login_required
def outbox(request):
    _check(request)
    page = Paginator(OutboxMessage.objects.only("id", "recipients", "subject", "created_at"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "mailroom/outbox.html", {"page": page})


@login_required
def outbox_message(request, pk: int):
    _check(request)
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "mailroom/outbox_message.html", {"message": message})
