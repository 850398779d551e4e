"""The customer's survey pages (no account: the link's token is the key) and the staff's feedback pages.

Public pages are rate-limited per client IP and shown in the survey's language. GET never records
an answer (mail scanners follow links); the page posts the pre-selected rating by itself from script.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.decorators import ratelimit

from feedback import access, selectors, services
from feedback.forms import AnswerForm, SurveyFilterForm
from feedback.models import LOW_RATINGS, SurveyStatus
from helpdesk.errors import DomainError


def _public_rate(group, request) -> str:
    return settings.SURVEY_RATE_LIMIT  # read at call time


public = ratelimit(key="ip", rate=_public_rate, method=ALL, block=False, group="feedback.public")


def _problem(request, *, status: int, title: str, text: str, language: str | None = None):
    with translation.override(language or translation.get_language()):
        return render(request, "feedback/problem.html", {"title": title, "text": text}, status=status)


def _open_survey(request, token: str):
    """(survey, None) for a live link; (None, a friendly error page) otherwise. Never another survey."""
    if getattr(request, "limited", False):
        return None, _problem(
            request, status=429, title=_("Too many requests"), text=_("Please wait a minute and try again.")
        )
    survey = selectors.survey_for_token(token)
    if survey is None or survey.status not in (SurveyStatus.SENT, SurveyStatus.ANSWERED):
        return None, _problem(
            request,
            status=404,
            title=_("We could not find this survey"),
            text=_("The link may be incomplete. Please copy the whole link from the e-mail."),
        )
    if survey.is_expired():
        return None, _problem(
            request,
            status=410,
            title=_("This survey has closed"),
            text=_("Thank you for your interest. Surveys can be answered for a limited time only."),
            language=survey.language,
        )
    return survey, None


def _preselected(request) -> int | None:
    try:
        rating = int(request.GET.get("rating", ""))
    except ValueError:
        return None
    return rating if 1 <= rating <= 5 else None


def _render_survey(request, survey, form, *, token: str, status: int = 200, auto_submit: bool = False, thanks=False):
    context = {
        "survey": survey,
        "form": form,
        "token": token,
        "auto_submit": auto_submit,
        "thanks": thanks,
        "low_ratings": LOW_RATINGS,
        "agent_name": services._agent_name(survey),
    }
    return render(request, "feedback/survey.html", context, status=status)


@require_http_methods(["GET", "POST"])
@public
def survey_page(request, token: str):
    survey, problem = _open_survey(request, token)
    if problem:
        return problem
    with translation.override(survey.language):
        if request.method == "POST":
            form = AnswerForm(request.POST)
            if form.is_valid():
                try:
                    services.record_answer(
                        survey=survey,
                        rating=form.cleaned_data["rating"],
                        comment=form.cleaned_data["comment"],
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    return redirect("feedback:thanks", token=token)
            return _render_survey(request, survey, form, token=token, status=400)
        rating = _preselected(request)
        form = AnswerForm(
            initial={
                "rating": rating or survey.rating,
                "comment": survey.comment,
                "reason": survey.low_reason,
            }
        )
        # One click in the e-mail answers: the page posts a rating that came in the link by itself.
        auto_submit = rating is not None and rating != survey.rating
        return _render_survey(request, survey, form, token=token, auto_submit=auto_submit)


@require_GET
@public
def survey_thanks(request, token: str):
    survey, problem = _open_survey(request, token)
    if problem:
        return problem
    if survey.rating is None:
        return redirect("feedback:survey", token=token)
    with translation.override(survey.language):
        form = AnswerForm(initial={"rating": survey.rating, "comment": survey.comment, "reason": survey.low_reason})
        return _render_survey(request, survey, form, token=token, thanks=True)


@require_http_methods(["GET", "POST"])
@public
def unsubscribe(request, token: str):
    survey, problem = _open_survey(request, token)
    if problem:
        return problem
    with translation.override(survey.language):
        done = False
        if request.method == "POST":
            services.opt_out(survey=survey)
            done = True
        return render(request, "feedback/unsubscribe.html", {"survey": survey, "token": token, "done": done})


# --- staff ----------------------------------------------------------------------------------------


def _staff(request) -> None:
    if not access.can_have_feedback_page(request.user):
        raise PermissionDenied


@login_required
@require_GET
def my_feedback(request):
    """An agent's own surveys with the customers' words, and their notifications (a lead's low ratings too)."""
    _staff(request)
    page = Paginator(selectors.surveys_of_agent(request.user), 25).get_page(request.GET.get("page"))
    notices = selectors.notices_of(request.user)
    return render(
        request,
        "feedback/mine.html",
        {"page": page, "notices": notices, "unread": sum(1 for n in notices if n.read_at is None)},
    )


@login_required
@require_POST
def mark_read(request):
    _staff(request)
    services.mark_notices_read(user=request.user)
    if request.htmx:
        return render(request, "feedback/mine.html#notices", {"notices": selectors.notices_of(request.user)})
    messages.success(request, _("Notifications marked as read."))
    return redirect("feedback:mine")


@login_required
@require_GET
def survey_list(request):
    """Leads and managers: every survey they may see, newest first, with simple filters."""
    if not access.can_list_surveys(request.user):
        raise PermissionDenied
    form = SurveyFilterForm(request.GET or None)
    qs = access.surveys_visible_to(request.user).exclude(status__in=[SurveyStatus.SKIPPED, SurveyStatus.CANCELLED])
    if form.is_valid():
        if form.cleaned_data.get("rating"):
            qs = qs.filter(rating=form.cleaned_data["rating"])
        if form.cleaned_data.get("low"):
            qs = qs.filter(rating__in=LOW_RATINGS)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "feedback/list.html", {"page": page, "form": form})
