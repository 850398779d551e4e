import factory

from recognition.models import Announcement, Kudos, KudosValue, Review
from tickets.tests.factories import UserFactory


class KudosFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kudos

    giver = factory.SubFactory(UserFactory)
    recipient = factory.SubFactory(UserFactory)
    message = factory.Faker("sentence")
    value = factory.LazyFunction(lambda: KudosValue.objects.order_by("order").first())


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title = factory.Faker("sentence", nb_words=4)
    body_html = "<p>Hello team</p>"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    agent = factory.SubFactory(UserFactory)
    quarter = "2026Q3"
    figures = factory.LazyFunction(dict)


def make_survey(*, ticket, agent, rating=None, comment="", sent_at=None, answered_at=None):
    """A feedback.Survey row as the feedback app would leave it after sending (and answering)."""
    import pytest
    from django.utils import timezone

    from recognition.selectors import survey_model

    Survey = survey_model()
    if Survey is None:
        pytest.skip("feedback.models.Survey does not exist yet")
    sent_at = sent_at or timezone.now()
    return Survey.objects.create(
        ticket=ticket,
        customer=ticket.customer,
        agent=agent,
        queue=ticket.queue,
        department=ticket.queue.department,
        solved_at=sent_at,
        due_at=sent_at,
        sent_at=sent_at,
        status="answered" if rating else "sent",
        rating=rating,
        comment=comment,
        answered_at=(answered_at or sent_at) if rating else None,
    )
