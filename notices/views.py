from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.ids import is_id
from notices import kinds, selectors, services

PAGE_SIZE = 30


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The person's notices: unread ones first, then the read ones, newest first in each."""
    unread = list(selectors.notices_for(user=request.user, unread_only=True)[:100])
    read = Paginator(selectors.notices_for(user=request.user).filter(read_at__isnull=False), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pending = selectors.pending_links(request.user)
    return render(request, "notices/list.html", {"unread": unread, "read": read, "pending": pending})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    # Ids that are not numbers are ignored; the service only touches the person's own notices.
    ids = [int(value) for value in request.POST.getlist("ids") if is_id(value)] or None
    services.mark_read(user=request.user, ids=ids)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds of notice also come by e-mail, one checkbox per kind."""
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        for kind in kinds.all_kinds():
            services.set_email_preference(user=request.user, kind=kind.code, email=kind.code in chosen)
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notices:email")
    return render(request, "notices/email.html", {"choices": selectors.email_choices(user=request.user)})
