"""seed_demo: the contract's accounts, realistic tickets, and safe to run twice."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tickets.models import Customer, Department, Macro, Message, Queue, Status, Ticket, TicketEvent


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def counts():
    return [m.objects.count() for m in (User, Department, Queue, Customer, Ticket, Message, TicketEvent, Macro)]


def test_seed_demo_twice_creates_nothing_new(seeded):
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_the_demo_has_the_contracts_accounts_and_realistic_tickets(seeded, client):
    for username, role in [("ana", "agent"), ("bruno", "agent"), ("lena", "lead"), ("marta", "manager")]:
        user = User.objects.get(username=username)
        assert user.check_password("demo") and user.groups.filter(name=role).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="ana").profile.department.name == "Support"
    assert User.objects.get(username="bruno").profile.department.name == "Billing"
    assert Department.objects.get(name="Support").lead.username == "lena"
    assert set(Department.objects.filter(manager__username="marta").values_list("name", flat=True)) >= {
        "Support",
        "Billing",
    }
    assert client.login(username="ana", password="demo")
    assert client.get("/").status_code == 200

    from demo.tickets import DEMO_TICKETS

    # Ours are created first; later apps' demo modules may add their own.
    ours = Ticket.objects.order_by("pk").values_list("pk", flat=True)[:DEMO_TICKETS]
    tickets = Ticket.objects.filter(pk__in=list(ours))
    assert tickets.count() >= 300
    assert len(set(tickets.values_list("subject", flat=True))) > 100
    assert not tickets.filter(subject__istartswith="ticket ").exists()
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert {"en", "pt", "pt-br", "el", "sr-latn"} <= set(tickets.values_list("language", flat=True))
    assert tickets.filter(messages__kind="note").exists() and tickets.filter(messages__kind="reply").exists()
    for t in tickets.filter(status__in=["solved", "closed"])[:50]:
        assert t.solved_at and t.first_response_at and t.created_at <= t.first_response_at <= t.solved_at
    assert not tickets.filter(status="new", first_response_at__isnull=False).exists()
    assert Macro.objects.filter(body__contains="{{ customer_name }}").exists()
