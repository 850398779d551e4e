"""The help centre (public), article pages, feedback and "this solved it", the composer's article
search (staff) and the articles report (leads and above)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from helpdesk.errors import DomainError
from kb import access, selectors, services
from kb.forms import ArticleFeedbackForm
from kb.models import DeflectionSource
from notices import selectors as notice_selectors
from notices import services as notice_services
from tickets import access as ticket_access
from tickets.access import staff_required

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _rate(group, request):
    return settings.KB_PUBLIC_RATE


def _limited(request: HttpRequest) -> bool:
    return is_ratelimited(request, group="kb.public", key="ip", rate=_rate, method=["GET", "POST"], increment=True)


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in LANGUAGE_CODES else translation.get_language()


@require_GET
def help_centre(request: HttpRequest) -> HttpResponse:
    if _limited(request):
        return HttpResponse(_("Too many requests. Please wait a while and try again."), status=429)
    language = _language(request)
    q = request.GET.get("q", "").strip()[:200]
    context = {"q": q, "language": language, "languages": settings.LANGUAGES}
    if q:
        qs = selectors.visible_articles(request.user)
        found = selectors.search_articles(qs, q, language=language).select_related("category")
        context["results"] = list(found.only(*selectors.LISTED_FIELDS)[:50])
    else:
        context["categories"] = selectors.categories_with_articles(language)
    return render(request, "kb/help.html", context)


@require_GET
def article_page(request: HttpRequest, pk: int) -> HttpResponse:
    if _limited(request):
        return HttpResponse(_("Too many requests. Please wait a while and try again."), status=429)
    article = access.get_article_for_user(request.user, pk)
    services.record_view(article=article)
    visible = selectors.visible_articles(request.user)
    context = {
        "article": article,
        "translations": selectors.translations(article, visible),
        "form": ArticleFeedbackForm(),
        "source": request.GET.get("from", ""),
    }
    if request.user.is_authenticated and article.ack_department_id:
        context["ack_asked"] = selectors.ack_audience(article).filter(pk=request.user.pk).exists()
        context["ack"] = notice_selectors.acknowledgement_of(user=request.user, target=article)
        context["can_see_confirmations"] = selectors.can_see_confirmations(request.user, article)
    return render(request, "kb/article.html", context)


@require_POST
@staff_required
def article_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Read and understood" of this version of a policy article (notices.services.acknowledge)."""
    article = access.get_article_for_user(request.user, pk)
    try:
        notice_services.acknowledge(user=request.user, target=article)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for confirming."))
    return redirect("kb:article", pk=article.pk)


@require_GET
@staff_required
def article_confirmations(request: HttpRequest, pk: int) -> HttpResponse:
    """Leads see who in the department has not confirmed the current version."""
    article = access.get_article_for_user(request.user, pk)
    if not article.ack_department_id or not selectors.can_see_confirmations(request.user, article):
        raise PermissionDenied
    missing = notice_selectors.who_has_not(article)
    return render(request, "kb/confirmations.html", {"article": article, "missing": missing})


@require_POST
def article_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    if _limited(request):
        return HttpResponse(_("Too many requests. Please wait a while and try again."), status=429)
    article = access.get_article_for_user(request.user, pk)
    form = ArticleFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes or no."))
        return redirect("kb:article", pk=article.pk)
    try:
        services.record_feedback(
            article=article, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("kb:article", pk=article.pk)
    messages.success(request, _("Thank you for your feedback."))
    return redirect("kb:article", pk=article.pk)


@require_POST
def article_solved(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer says a suggested article answered their question."""
    if _limited(request):
        return HttpResponse(_("Too many requests. Please wait a while and try again."), status=429)
    article = access.get_public_article(pk)
    source = request.POST.get("source", DeflectionSource.HELP)
    services.record_deflection(article=article, source=source)
    if request.headers.get("HX-Request"):
        return HttpResponse(_("Glad it helped!"))
    messages.success(request, _("Glad it helped!"))
    return redirect("kb:article", pk=article.pk)


@require_GET
@staff_required
def composer_search(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    """Articles for the reply composer, in the ticket's language where a translation exists."""
    ticket = ticket_access.get_ticket_for_user(request.user, ticket_pk)
    q = request.GET.get("q", "").strip()[:200]
    results = []
    if q:
        visible = selectors.visible_articles(request.user)
        language = request.GET.get("language") or translation.get_language()
        found = list(selectors.search_articles(visible, q, language=ticket.language)[:8])
        if not found and language != ticket.language:
            found = list(selectors.search_articles(visible, q, language=language)[:8])
        public = selectors.public_articles()
        for article in found:
            shown = selectors.translation_in(article, ticket.language, public)
            url = f"{settings.SITE_URL}{reverse('kb:article', args=[shown.pk])}"
            results.append({"article": shown, "public": shown.is_public, "url": url})
    return render(request, "kb/_composer_results.html", {"results": results, "q": q})


@require_GET
@staff_required
def report(request: HttpRequest) -> HttpResponse:
    if not ticket_access.is_lead_or_above(request.user):
        raise PermissionDenied
    rows = list(selectors.report_rows()[:300])
    comments = list(selectors.recent_comments()[:50])
    return render(
        request,
        "kb/report.html",
        {"rows": rows, "deflections": selectors.deflection_total(), "comments": comments},
    )
