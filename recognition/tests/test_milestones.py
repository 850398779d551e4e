import datetime as dt

import pytest
from django.urls import reverse

from recognition import services
from recognition.models import CelebrationPreference, Milestone, MilestoneKind
from recognition.tests.factories import make_survey
from tickets.models import Profile
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def test_a_work_anniversary_is_celebrated_once(agent):
    Profile.objects.filter(user=agent).update(started_on=dt.date(2023, 11, 20))
    assert services.detect_milestones(today=TODAY) == 1
    assert services.detect_milestones(today=TODAY) == 0  # idempotent
    assert services.detect_milestones(today=TODAY + dt.timedelta(days=1)) == 0
    milestone = Milestone.objects.get()
    assert milestone.kind == MilestoneKind.ANNIVERSARY and milestone.data == {"years": 3}
    assert milestone.occurred_on == dt.date(2026, 11, 20)


def test_no_anniversary_in_the_first_year(agent):
    Profile.objects.filter(user=agent).update(started_on=dt.date(2026, 11, 23))
    assert services.detect_milestones(today=TODAY) == 0


def test_a_birthday_only_if_the_person_opted_in(agent, teammate):
    CelebrationPreference.objects.create(user=agent, birthday=dt.date(1990, 11, 22), celebrate_birthday=True)
    CelebrationPreference.objects.create(user=teammate, birthday=dt.date(1991, 11, 22), celebrate_birthday=False)
    assert services.detect_milestones(today=TODAY) == 1
    assert Milestone.objects.get().user == agent


def test_opting_in_needs_a_date(client, agent):
    client.force_login(agent)
    url = reverse("recognition:celebrations")
    assert client.post(url, {"celebrate_birthday": "on"}).status_code == 400
    assert client.post(url, {"celebrate_birthday": "on", "birthday": "1990-02-14"}).status_code == 302
    assert CelebrationPreference.objects.get(user=agent).celebrate_birthday


def test_the_hundredth_solved_ticket(agent, support_queue):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n in range(100):
        TicketFactory(queue=support_queue, assignee=agent, status="solved", solved_at=start + dt.timedelta(days=n))
    assert services.detect_milestones(today=TODAY) == 1
    milestone = Milestone.objects.get(kind=MilestoneKind.SOLVED_100)
    assert milestone.occurred_on == (start + dt.timedelta(days=99)).date()
    TicketFactory(queue=support_queue, assignee=agent, status="solved", solved_at=start)
    assert services.detect_milestones(today=TODAY) == 0


def test_the_first_perfect_month(settings, agent, teammate, support_queue):
    settings.REVIEW_MIN_RESPONSES = 3
    october = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
    for rating in (5, 4, 5):
        make_survey(ticket=TicketFactory(queue=support_queue), agent=agent, rating=rating, sent_at=october)
    for rating in (5, 5, 3):
        make_survey(ticket=TicketFactory(queue=support_queue), agent=teammate, rating=rating, sent_at=october)
    assert services.detect_milestones(today=TODAY) == 1
    milestone = Milestone.objects.get(kind=MilestoneKind.PERFECT_MONTH)
    assert milestone.user == agent and milestone.data["month"] == "2026-10"
    # "First": a later perfect month is not celebrated again.
    assert services.detect_milestones(today=dt.date(2026, 12, 5)) == 0


def test_milestones_appear_in_the_feed(client, agent, teammate):
    Milestone.objects.create(
        user=agent, kind=MilestoneKind.ANNIVERSARY, key="2026", occurred_on=TODAY, data={"years": 3}
    )
    client.force_login(teammate)
    page = client.get(reverse("recognition:feed")).content.decode()
    assert "3 years with us!" in page


def test_the_unique_constraint_holds_at_the_database():
    from django.db import IntegrityError

    from tickets.tests.factories import UserFactory

    user = UserFactory()
    Milestone.objects.create(user=user, kind=MilestoneKind.BIRTHDAY, key="2026", occurred_on=TODAY)
    with pytest.raises(IntegrityError):
        Milestone.objects.create(user=user, kind=MilestoneKind.BIRTHDAY, key="2026", occurred_on=TODAY)
