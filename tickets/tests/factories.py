import factory
from django.contrib.auth.models import Group, User

from tickets.models import Customer, Department, Message, MessageKind, Profile, Queue, Ticket


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"dept-{n}")


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Queue {n}")
    slug = factory.Sequence(lambda n: f"queue-{n}")
    department = factory.SubFactory(DepartmentFactory)
    email_address = factory.LazyAttribute(lambda q: f"{q.slug}@latitude.example")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user. `role` is a group name (agent, lead, manager, admin), `department` a Department."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@latitude.example")

    @classmethod
    def _create(cls, model_class, *args, role="agent", department=None, language="en", password="demo", **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(password)
        user.save(update_fields=["password"])
        Profile.objects.update_or_create(user=user, defaults={"department": department, "language": language})
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("email",)

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    language = "en"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    subject = factory.Faker("sentence", nb_words=6)
    queue = factory.SubFactory(QueueFactory)
    customer = factory.SubFactory(CustomerFactory)
    search_document = factory.LazyAttribute(lambda t: t.subject)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    kind = MessageKind.CUSTOMER
    body = factory.Faker("paragraph")
