import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from helpdesk.errors import DomainError
from recognition import selectors, services
from recognition.models import Answer, Review, Visibility
from recognition.quarters import Quarter
from recognition.tests.factories import KudosFactory, make_survey
from tickets.tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

Q3 = Quarter.parse("2026Q3")
IN_Q3 = dt.datetime(2026, 8, 10, 12, tzinfo=dt.UTC)
IN_Q2 = dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def review(agent, support):
    return Review.objects.create(agent=agent, quarter="2026Q3", department=support, figures={"quarter": "2026Q3"})


def test_quarters_parse_and_bound():
    assert Q3.start == dt.datetime(2026, 7, 1, tzinfo=dt.UTC) and Q3.end == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    assert str(Quarter.parse("2026Q1").previous) == "2025Q4"
    with pytest.raises(DomainError):
        Quarter.parse("2026-3")


# --- figures -----------------------------------------------------------------------------------


def test_figures_count_solved_tickets_kudos_and_hide_private_kudos_quotes(agent, teammate, support_queue):
    for _ in range(3):
        TicketFactory(queue=support_queue, assignee=agent, status="solved", solved_at=IN_Q3)
    TicketFactory(queue=support_queue, assignee=agent, status="solved", solved_at=IN_Q2)
    KudosFactory(giver=teammate, recipient=agent, message="Public thanks", created_at=IN_Q3)
    KudosFactory(
        giver=teammate, recipient=agent, message="Just for you", visibility=Visibility.RECIPIENT, created_at=IN_Q3
    )
    KudosFactory(giver=agent, recipient=teammate, created_at=IN_Q3)
    figures = selectors.review_figures(agent=agent, quarter=Q3)
    assert figures["tickets_solved"] == 3 and figures["tickets_solved_previous"] == 1
    assert figures["kudos"]["received"] == 2 and figures["kudos"]["given"] == 1
    assert [q["message"] for q in figures["kudos"]["quotes"]] == ["Public thanks"]


def test_csat_below_the_minimum_is_not_a_verdict(settings, agent, support_queue, client):
    settings.REVIEW_MIN_RESPONSES = 5
    for rating in (1, 2, 5):
        make_survey(
            ticket=TicketFactory(queue=support_queue, assignee=agent), agent=agent, rating=rating, sent_at=IN_Q3
        )
    figures = selectors.review_figures(agent=agent, quarter=Q3)
    assert figures["csat"]["responses"] == 3 and figures["csat"]["enough"] is False
    review = Review.objects.create(agent=agent, quarter="2026Q3", figures=figures)
    client.force_login(agent)
    page = client.get(reverse("recognition:review", args=[review.pk])).content.decode()
    assert "Not enough responses (3 of at least 5)" in page
    assert "33.3%" not in page


def test_csat_trend_response_rate_and_customer_comments(settings, agent, support_queue):
    settings.REVIEW_MIN_RESPONSES = 2
    ticket = lambda: TicketFactory(queue=support_queue, assignee=agent)  # noqa: E731
    for rating in (5, 4, 5, 2):
        make_survey(ticket=ticket(), agent=agent, rating=rating, sent_at=IN_Q3, comment="Lovely" if rating == 5 else "")
    make_survey(ticket=ticket(), agent=agent, sent_at=IN_Q3)  # sent, never answered
    for rating in (5, 1):
        make_survey(ticket=ticket(), agent=agent, rating=rating, sent_at=IN_Q2)
    csat = selectors.review_figures(agent=agent, quarter=Q3)["csat"]
    assert csat["csat"] == 75.0 and csat["sent"] == 5 and csat["response_rate"] == 0.8
    assert csat["previous"]["csat"] == 50.0 and csat["trend"] == "up"
    figures = selectors.review_figures(agent=agent, quarter=Q3)
    assert [c["comment"] for c in figures["customer_comments"]] == ["Lovely", "Lovely"]
    august = next(m for m in figures["csat_trend"] if m["month"] == "2026-08")
    assert august["responses"] == 4


def test_offscript_actions_and_their_outcomes(agent, ticket):
    from agents.models import OffscriptAction, OffscriptKind

    refund = OffscriptKind.objects.filter(has_amount=True).first() or OffscriptKind.objects.create(
        name="Refund", slug="refund-x"
    )
    for status, amount in (("approved", "10.00"), ("approved", "5.50"), ("rejected", "100.00")):
        OffscriptAction.objects.create(
            ticket=ticket,
            agent=agent,
            kind=refund,
            amount=Decimal(amount),
            currency="EUR",
            reason="x",
            status=status,
            created_at=IN_Q3,
        )
    off = selectors.review_figures(agent=agent, quarter=Q3)["offscript"]
    assert off["available"] and off["total"] == 3
    row = off["kinds"][0]
    assert row["count"] == 3 and row["amount"] == "115.50" and row["statuses"] == {"approved": 2, "rejected": 1}


# --- preparing ---------------------------------------------------------------------------------


def test_preparing_is_idempotent_and_keeps_answered_reviews(agent, teammate, lead):
    first = services.prepare_reviews(quarter=Q3)
    assert first == {"created": 2, "refreshed": 0, "kept": 0}  # the two agents, not the lead
    mine = Review.objects.get(agent=agent)
    services.answer_review_part(review=mine, by=agent, part="figures", answer=Answer.ACKNOWLEDGED)
    assert services.prepare_reviews(quarter=Q3) == {"created": 0, "refreshed": 1, "kept": 1}
    assert Review.objects.count() == 2


def test_the_periodic_job_prepares_the_quarter_that_ended(agent):
    from recognition.tasks import prepare_due_reviews_task

    with freeze_time("2026-10-02"):
        prepare_due_reviews_task.delay()
    assert list(Review.objects.values_list("quarter", flat=True)) == ["2026Q3"]


def test_the_periodic_jobs_are_listed_once():
    from helpdesk.celery import PERIODIC_TASKS

    tasks = {task for task, _seconds in PERIODIC_TASKS.values()}
    assert {"recognition.prepare_due_reviews", "recognition.detect_milestones"} <= tasks


def test_the_command_prepares_a_quarter(agent, capsys):
    call_command("prepare_reviews", "--quarter", "2026Q3")
    assert "Reviews for 2026Q3: 1 created" in capsys.readouterr().out
    assert Review.objects.get(agent=agent).figures["quarter"] == "2026Q3"


def test_the_command_refuses_a_bad_quarter(agent):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2026Q3"):
        call_command("prepare_reviews", "--quarter", "Q3-2026")


def test_the_prepare_button_is_for_leads_and_managers(client, agent, lead, manager):
    url = reverse("recognition:reviews_prepare")
    client.force_login(agent)
    assert client.post(url, {"quarter": "2026Q3"}).status_code == 403
    assert not Review.objects.exists()
    client.force_login(lead)
    assert client.get(url).status_code == 405
    assert client.post(url, {"quarter": "2026Q3"}).status_code == 302
    assert Review.objects.filter(agent=agent, quarter="2026Q3").exists()


# --- privacy, per role -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 200),  # the agent themselves
        ("teammate", 404),  # a colleague in the same department
        ("other_agent", 404),  # an agent of another department
        ("lead", 200),  # the agent's lead
        ("billing_lead", 404),  # another department's lead
        ("manager", 200),  # the department's manager
        ("admin_user", 200),
    ],
)
def test_a_review_is_private_to_the_agent_their_lead_and_managers(client, request, review, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("recognition:review", args=[review.pk])).status_code == status
    assert client.get(reverse("recognition:review_pdf", args=[review.pk])).status_code in (
        (status,) if status == 404 else (200, 503)
    )


def test_a_manager_of_another_department_cannot_open_it(client, review, billing):
    other_manager = UserFactory(username="mo", role="manager", department=billing)
    billing.manager = other_manager
    billing.save()
    client.force_login(other_manager)
    assert client.get(reverse("recognition:review", args=[review.pk])).status_code == 404


def test_the_list_shows_only_reviews_one_may_see(client, review, teammate, lead):
    other = Review.objects.create(agent=teammate, quarter="2026Q3", figures={})
    client.force_login(teammate)
    page = client.get(reverse("recognition:reviews")).content.decode()
    assert reverse("recognition:review", args=[other.pk]) in page
    assert reverse("recognition:review", args=[review.pk]) not in page
    client.force_login(lead)
    page = client.get(reverse("recognition:reviews")).content.decode()
    assert reverse("recognition:review", args=[review.pk]) in page


def test_a_colleague_cannot_write_into_someone_elses_review(client, review, teammate):
    client.force_login(teammate)
    for name in ("review_reflection", "review_lead", "review_answer", "review_sign"):
        assert client.post(reverse(f"recognition:{name}", args=[review.pk]), {}).status_code == 404
    review.refresh_from_db()
    assert not review.reflection_at and not review.lead_at


# --- the conversation and sign-off -------------------------------------------------------------


def test_the_whole_review_from_reflection_to_sign_off(client, review, agent, lead):
    client.force_login(agent)
    url = lambda name: reverse(f"recognition:{name}", args=[review.pk])  # noqa: E731
    assert client.post(url("review_sign")).status_code == 400  # nothing written yet
    response = client.post(
        url("review_reflection"), {"impact": "Faster replies", "proud": "LAT-42", "better": "Training"}
    )
    assert response.status_code == 302
    # The agent cannot write the lead's part.
    assert client.post(url("review_lead"), {"notes": "I am great", "goals": "More"}).status_code == 400
    client.force_login(lead)
    assert client.post(url("review_lead"), {"notes": "Solid quarter", "goals": "Mentor Tomás"}).status_code == 302
    client.force_login(agent)
    assert client.post(url("review_answer"), {"part": "figures", "answer": "ack"}).status_code == 302
    assert client.post(url("review_answer"), {"part": "notes", "answer": "dispute"}).status_code == 400  # says why
    assert (
        client.post(
            url("review_answer"), {"part": "notes", "answer": "dispute", "comment": "I led the migration"}
        ).status_code
        == 302
    )
    assert client.post(url("review_answer"), {"part": "goals", "answer": "ack"}).status_code == 302
    assert client.post(url("review_sign")).status_code == 302
    client.force_login(lead)
    assert client.post(url("review_sign")).status_code == 302
    review.refresh_from_db()
    assert review.is_signed_off and review.lead_signed_by == lead
    assert review.notes_answer == Answer.DISPUTED and review.notes_comment == "I led the migration"
    # Signed means settled.
    client.force_login(agent)
    assert client.post(url("review_reflection"), {"impact": "x", "proud": "y", "better": "z"}).status_code == 400
    review.refresh_from_db()
    assert review.reflection_impact == "Faster replies"


def test_changing_notes_asks_the_agent_again(review, agent, lead):
    services.write_lead_part(review=review, by=lead, notes="A", goals="B")
    services.answer_review_part(review=review, by=agent, part="notes", answer=Answer.ACKNOWLEDGED)
    services.answer_review_part(review=review, by=agent, part="goals", answer=Answer.ACKNOWLEDGED)
    services.write_lead_part(review=review, by=lead, notes="A, revised", goals="B")
    review.refresh_from_db()
    assert review.notes_answer == "" and review.goals_answer == Answer.ACKNOWLEDGED


def test_the_lead_cannot_sign_their_own_review(lead, support):
    own = Review.objects.create(agent=lead, quarter="2026Q3", figures={})
    with pytest.raises(DomainError):
        services.write_lead_part(review=own, by=lead, notes="I rock", goals="Rock more")


def test_review_actions_refuse_get(client, review, agent):
    client.force_login(agent)
    for name in ("review_reflection", "review_lead", "review_answer", "review_sign"):
        assert client.get(reverse(f"recognition:{name}", args=[review.pk])).status_code == 405


def test_export_to_pdf(client, review, lead):
    pytest.importorskip("weasyprint")
    from helpdesk.testing import require

    try:
        from weasyprint import HTML

        HTML(string="<p>x</p>").write_pdf()
        ok = True
    except OSError:
        ok = False
    require(ok, "WeasyPrint's system libraries (libpango-1.0-0, libpangoft2-1.0-0)")
    review.reflection_impact = "Faster replies to Greek customers"
    review.save()
    client.force_login(lead)
    response = client.get(reverse("recognition:review_pdf", args=[review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="review-ana-2026Q3.pdf"' in response["Content-Disposition"]


def test_kudos_for_the_recipient_and_their_lead_are_not_quoted_to_the_manager(
    client, agent, teammate, lead, manager, admin_user, support
):
    KudosFactory(giver=teammate, recipient=agent, message="Public thanks", created_at=IN_Q3)
    KudosFactory(
        giver=teammate, recipient=agent, message="Between us and Lena", visibility=Visibility.LEAD, created_at=IN_Q3
    )
    review = Review.objects.create(
        agent=agent, quarter="2026Q3", department=support, figures=selectors.review_figures(agent=agent, quarter=Q3)
    )
    url = reverse("recognition:review", args=[review.pk])

    for reader, sees_lead_quote in ((agent, True), (lead, True), (manager, False), (admin_user, False)):
        client.force_login(reader)
        page = client.get(url).content.decode()
        assert "Public thanks" in page
        assert ("Between us and Lena" in page) is sees_lead_quote, reader.username
