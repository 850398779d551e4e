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
