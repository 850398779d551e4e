import io

import pytest
from django.utils import timezone

from demo import feedback as demo
from feedback.models import Survey, SurveySettings
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_without_tickets_the_demo_creates_nothing():
    demo.seed(io.StringIO())
    assert not Survey.objects.exists() and not SurveySettings.objects.exists()


def test_the_demo_surveys_most_solved_tickets_once(support_queue, agent):
    solved_at = timezone.now() - timezone.timedelta(days=20)
    for language in ["en", "pt", "pt-br", "el", "sr-latn"] * 8:
        TicketFactory(
            queue=support_queue, assignee=agent, status="solved", solved_at=solved_at, customer__language=language
        )
    demo.seed(io.StringIO())
    surveys = Survey.objects.all()
    assert 25 <= surveys.count() <= 40
    assert surveys.filter(status="answered").exists()
    assert all(s.rating is None or 1 <= s.rating <= 5 for s in surveys)
    assert all(s.low_reason for s in surveys.filter(rating__lte=2))
    assert SurveySettings.objects.filter(queue=support_queue).exists()
    count = surveys.count()
    demo.seed(io.StringIO())
    assert Survey.objects.count() == count
