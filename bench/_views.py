"""The benchmark's reference view, routed only when LATITUDE_BENCH=1: one indexed query returning 25
rows as JSON behind the same login as the pages it is compared with. (A leading underscore keeps
`python -m bench` from taking this module for a benchmark.)"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse


@login_required
def reference(request):
    from tickets.models import Ticket

    rows = list(Ticket.objects.order_by("-updated_at").values("id", "subject", "status", "updated_at")[:25])
    return JsonResponse({"results": rows})
