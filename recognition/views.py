"""Colleagues' pages: thin views — parse, fetch-and-check, call one service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.errors import DomainError
from notices.selectors import acknowledgement_of
from recognition import access, forms, selectors, services
from recognition.models import CelebrationPreference, InternalSurvey, Review
from recognition.quarters import Quarter
from tickets.access import get_request_for_requester, get_ticket_for_user, staff_required
from tickets.models import Channel, Department


def _next_or(request, fallback: str) -> str:
    """The page to go back to, if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


# --- feed and kudos ----------------------------------------------------------------------------


def _feed_context(request, form=None) -> dict:
    user = request.user
    paginator = Paginator(selectors.feed_kudos(user), selectors.FEED_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    kudos_page = selectors.decorate_kudos(list(page.object_list), user)
    until = None if page.number == 1 else (kudos_page[0].created_at if kudos_page else None)
    since = kudos_page[-1].created_at if kudos_page and page.has_next() else None
    return {
        "page": page,
        "items": selectors.merge_feed(kudos_page, selectors.feed_milestones(since=since, until=until)),
        "form": form or forms.KudosForm(user=user),
        "comment_form": forms.CommentForm(),
        "stats": selectors.kudos_stats(user),
        "praise": selectors.praise_to_share(user),
        "notifications": list(selectors.unread_notifications(user)[:10]),
    }


@staff_required
@require_GET
def feed(request):
    return render(request, "recognition/feed.html", _feed_context(request))


@staff_required
@require_POST
def give(request):
    form = forms.KudosForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = get_ticket_for_user(request.user, data["ticket"]) if data.get("ticket") else None
        except Http404:
            form.add_error("ticket", _("No such ticket."))
        else:
            try:
                services.give_kudos(
                    giver=request.user,
                    recipient=data["recipient"],
                    message=data["message"],
                    value=data.get("value"),
                    ticket=ticket,
                    visibility=data["visibility"],
                    points=data.get("points") or 0,
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("Kudos sent to %(name)s.") % {"name": services.display_name(data["recipient"])}
                )
                return redirect("recognition:feed")
    return render(request, "recognition/feed.html", _feed_context(request, form), status=400)


@staff_required
@require_GET
def kudos_detail(request, pk: int):
    kudos = access.get_kudos_for_user(request.user, pk)
    kudos = selectors.decorate_kudos([selectors.feed_kudos(request.user).get(pk=kudos.pk)], request.user)[0]
    return render(request, "recognition/kudos_detail.html", {"kudos": kudos, "comment_form": forms.CommentForm()})


@staff_required
@require_POST
def react(request, pk: int):
    kudos = access.get_kudos_for_user(request.user, pk)
    form = forms.ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown reaction."), status=400)
    services.toggle_reaction(kudos=kudos, user=request.user, kind=form.cleaned_data["kind"])
    if request.htmx:
        kudos = selectors.decorate_kudos([selectors.feed_kudos(request.user).get(pk=kudos.pk)], request.user)[0]
        return render(request, "recognition/_reactions.html", {"kudos": kudos})
    return redirect(_next_or(request, reverse("recognition:kudos", args=[kudos.pk])))


@staff_required
@require_POST
def comment(request, pk: int):
    kudos = access.get_kudos_for_user(request.user, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_kudos(kudos=kudos, author=request.user, body=form.cleaned_data["body"])
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("The comment is empty or too long."))
    return redirect(reverse("recognition:kudos", args=[kudos.pk]))


@staff_required
@require_POST
def share_praise(request, survey_pk: int):
    Survey = selectors.survey_model()
    if Survey is None:
        raise Http404("Surveys are not available")
    survey = get_object_or_404(Survey.objects.select_related("agent", "ticket", "customer"), pk=survey_pk)
    if survey.agent_id is None or not access.leads_department_of(request.user, survey.agent):
        raise Http404("No such answer")
    try:
        services.share_customer_praise(survey=survey, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Shared with the team."))
    return redirect("recognition:feed")


@staff_required
@require_POST
def notifications_read(request):
    services.mark_notifications_read(user=request.user)
    return redirect(_next_or(request, reverse("recognition:feed")))


@staff_required
@require_http_methods(["GET", "POST"])
def celebrations(request):
    pref = CelebrationPreference.objects.filter(user=request.user).first()
    initial = {"birthday": pref.birthday, "celebrate_birthday": pref.celebrate_birthday} if pref else {}
    form = forms.CelebrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_celebration_preference(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("recognition:celebrations")
    return render(request, "recognition/celebrations.html", {"form": form}, status=400 if form.errors else 200)


# --- internal service --------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def internal_new(request, ticket_pk: int):
    parent = get_ticket_for_user(request.user, ticket_pk)
    if parent.channel == Channel.INTERNAL:
        raise Http404("Ask from the customer's ticket")
    form = forms.InternalRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.open_internal_request(parent=parent, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your request was sent."))
            return redirect("tickets:detail", parent.pk)
    status = 400 if form.errors else 200
    return render(request, "recognition/internal_new.html", {"form": form, "parent": parent}, status=status)


@staff_required
@require_GET
def internal_department(request, slug: str):
    department = get_object_or_404(Department, slug=slug)
    if not access.can_view_department_requests(request.user, department):
        raise Http404("No such department")
    show_all = request.GET.get("show") == "all"
    requests_ = selectors.internal_requests_for(department, open_only=not show_all)
    paginator = Paginator(requests_, 50)
    return render(
        request,
        "recognition/internal_department.html",
        {
            "department": department,
            "page": paginator.get_page(request.GET.get("page")),
            "show_all": show_all,
            "csat": selectors.internal_csat(department),
            "departments": Department.objects.order_by("name"),
        },
    )


@staff_required
@require_GET
def internal_home(request):
    from tickets.access import department_id_of

    department = Department.objects.filter(pk=department_id_of(request.user)).first()
    if department is None:
        department = Department.objects.order_by("name").first()
    if department is None:
        raise Http404("No departments")
    return redirect("recognition:internal_department", department.slug)


@staff_required
@require_http_methods(["GET", "POST"])
def internal_rate(request, ticket_pk: int):
    # Only the requester rates, and they cannot see the request as its department does.
    ticket = get_request_for_requester(request.user, ticket_pk)
    survey = InternalSurvey.objects.filter(ticket=ticket).order_by("-solved_at").first()
    if survey is None or not access.can_rate_internal_request(request.user, ticket):
        raise Http404("Nothing to rate")
    initial = {"rating": survey.rating, "comment": survey.comment} if survey.rating else {}
    form = forms.InternalRatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_internal_request(survey=survey, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect("tickets:detail", ticket.parent_id or ticket.pk)
    status = 400 if form.errors else 200
    return render(
        request, "recognition/internal_rate.html", {"form": form, "ticket": ticket, "survey": survey}, status=status
    )


# --- quarterly reviews -------------------------------------------------------------------------


@staff_required
@require_GET
def reviews(request):
    qs = (
        access.visible_reviews(request.user)
        .select_related("agent", "department")
        .order_by("-quarter", "agent__first_name")
    )
    return render(
        request,
        "recognition/reviews.html",
        {
            "reviews": qs[:200],
            "can_prepare": access.can_prepare_reviews(request.user),
            "prepare_form": forms.PrepareReviewsForm(initial={"quarter": str(Quarter.current().previous)}),
        },
    )


@staff_required
@require_POST
def reviews_prepare(request):
    if not access.can_prepare_reviews(request.user):
        raise PermissionDenied
    form = forms.PrepareReviewsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the quarter like 2026Q3."))
        return redirect("recognition:reviews")
    counts = services.prepare_reviews(quarter=Quarter.parse(form.cleaned_data["quarter"]))
    messages.success(
        request,
        _("Reviews prepared: %(created)s new, %(refreshed)s refreshed, %(kept)s kept as answered.") % counts,
    )
    return redirect("recognition:reviews")


def _review_context(request, review: Review) -> dict:
    user = request.user
    is_agent = review.agent_id == user.id
    return {
        "review": review,
        "f": access.review_figures_for(user, review),
        "is_agent": is_agent,
        "can_lead": access.can_write_lead_part(user, review),
        "reflection_form": forms.ReflectionForm(
            initial={
                "impact": review.reflection_impact,
                "proud": review.reflection_proud,
                "better": review.reflection_help,
            }
        ),
        "lead_form": forms.LeadPartForm(initial={"notes": review.lead_notes, "goals": review.lead_goals}),
        "parts": [
            ("figures", _("The figures"), review.figures_answer, review.figures_comment, True),
            ("notes", _("Notes"), review.notes_answer, review.notes_comment, bool(review.lead_at)),
            ("goals", _("Goals"), review.goals_answer, review.goals_comment, bool(review.lead_at)),
        ],
    }


@staff_required
@require_GET
def review_detail(request, pk: int):
    review = access.get_review_for_user(request.user, pk)
    return render(request, "recognition/review_detail.html", _review_context(request, review))


def _review_action(request, pk: int, action) -> HttpResponse:
    review = access.get_review_for_user(request.user, pk)
    try:
        action(review)
    except DomainError as exc:
        messages.error(request, exc.message)
        return render(request, "recognition/review_detail.html", _review_context(request, review), status=400)
    messages.success(request, _("Saved."))
    return redirect("recognition:review", review.pk)


@staff_required
@require_POST
def review_reflection(request, pk: int):
    form = forms.ReflectionForm(request.POST)

    def action(review):
        if not form.is_valid():
            raise DomainError(_("Answer all three questions."), field="reflection")
        services.submit_reflection(review=review, by=request.user, **form.cleaned_data)

    return _review_action(request, pk, action)


@staff_required
@require_POST
def review_lead(request, pk: int):
    form = forms.LeadPartForm(request.POST)

    def action(review):
        if not form.is_valid():
            raise DomainError(_("Write both notes and goals."), field="notes")
        services.write_lead_part(review=review, by=request.user, **form.cleaned_data)

    return _review_action(request, pk, action)


@staff_required
@require_POST
def review_answer(request, pk: int):
    form = forms.AnswerPartForm(request.POST)

    def action(review):
        if not form.is_valid():
            raise DomainError(_("Acknowledge or dispute."), field="answer")
        services.answer_review_part(review=review, by=request.user, **form.cleaned_data)

    return _review_action(request, pk, action)


@staff_required
@require_POST
def review_sign(request, pk: int):
    return _review_action(request, pk, lambda review: services.sign_review(review=review, by=request.user))


@staff_required
@require_GET
def review_pdf(request, pk: int):
    from recognition.pdf import render_review_pdf

    review = access.get_review_for_user(request.user, pk)
    try:
        pdf = render_review_pdf(review=review, request=request)
    except OSError:  # WeasyPrint's system libraries (Pango) are missing on this machine
        return HttpResponse(_("PDF export is not available on this server."), status=503, content_type="text/plain")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"review-{review.agent.get_username()}-{review.quarter}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- announcements -----------------------------------------------------------------------------


@staff_required
@require_GET
def announcements(request):
    paginator = Paginator(selectors.announcements_for(request.user), 20)
    return render(
        request,
        "recognition/announcements.html",
        {"page": paginator.get_page(request.GET.get("page")), "can_post": access.can_post_announcements(request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def announcement_new(request):
    if not access.can_post_announcements(request.user):
        raise PermissionDenied
    form = forms.AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.post_announcement(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Announcement posted."))
            return redirect("recognition:announcement", announcement.pk)
    return render(request, "recognition/announcement_new.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_GET
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows it; the page then POSTs to `announcement_read` (htmx on load): nothing is written on GET."""
    announcement = access.get_announcement_for_user(request.user, pk)
    return render(
        request,
        "recognition/announcement_detail.html",
        {
            "announcement": announcement,
            "ack": acknowledgement_of(user=request.user, target=announcement),
            "can_post": access.can_post_announcements(request.user),
        },
    )


@staff_required
@require_POST
def announcement_read(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = access.get_announcement_for_user(request.user, pk)
    services.mark_announcement_read(announcement=announcement, user=request.user)
    return HttpResponse(status=204)


@staff_required
@require_POST
def announcement_ack(request, pk: int):
    announcement = access.get_announcement_for_user(request.user, pk)
    try:
        services.acknowledge_announcement(announcement=announcement, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("recognition:announcement", pk)
    messages.success(request, _("Thank you for confirming."))
    return redirect(_next_or(request, reverse("recognition:announcement", args=[pk])))


@staff_required
@require_GET
def announcement_readers(request, pk: int):
    if not access.can_post_announcements(request.user):
        raise PermissionDenied
    announcement = access.get_announcement_for_user(request.user, pk)
    return render(
        request,
        "recognition/announcement_readers.html",
        {"announcement": announcement, "audience": selectors.announcement_audience(announcement)},
    )
