"""The demo data: policies, about a hundred actions on the demo tickets, safe to run twice."""

import io

import pytest

from agents.models import ActionStatus, DiscretionPolicy, OffscriptAction, PolicyScope
from demo import agents as demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_with_no_tickets_it_creates_policies_but_no_actions():
    out = io.StringIO()
    demo.seed(out)
    assert DiscretionPolicy.objects.filter(scope=PolicyScope.ROLE).count() == 3
    assert not OffscriptAction.objects.exists()
    assert "no demo tickets" in out.getvalue()


def test_the_demo_seeds_actions_once():
    from demo import tickets as tickets_demo

    out = io.StringIO()
    tickets_demo.seed(out)
    demo.seed(out)
    demo.seed(out)  # idempotent
    actions = OffscriptAction.objects.all()
    assert 80 <= actions.count() <= 100
    statuses = {s: actions.filter(status=s).count() for s in ActionStatus.values}
    assert statuses["approved"] > statuses["rejected"] > 0 and statuses["pending"] > 0
    # Pending requests only on tickets that are still open (pending blocks closing) and routed to someone.
    for action in actions.filter(status=ActionStatus.PENDING).select_related("ticket"):
        assert action.ticket.status in ("new", "open", "pending") and action.approver_id
    assert actions.filter(agent__username="ana").exists() and actions.filter(agent__username="bruno").exists()
    assert DiscretionPolicy.objects.filter(scope=PolicyScope.AGENT, ends_on__isnull=False).exists()
    assert all(a.amount is None or a.amount > 0 for a in actions)
