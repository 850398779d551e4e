"""Surveys that existed before feedback 0004–0006 get their ticket's channel, its approved off-script action
and a reopening after their solve from the backfill, and the covering indexes come back with them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agents.models import OffscriptAction
from insights.tests.factories import make_kind
from tickets.models import TicketEvent
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.slow
BEFORE = [("feedback", "0003_h11_report_indexes")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_backfill_fills_what_the_surveys_copy_from_their_tickets(support_queue, agent):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("feedback")
    executor = _migrate(BEFORE)
    Survey = executor.loader.project_state(BEFORE).apps.get_model("feedback", "Survey")
    solved = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    kind = make_kind()

    def survey_of(ticket, *, solved_at=solved):
        return Survey.objects.create(
            ticket_id=ticket.pk, customer_id=ticket.customer_id, agent_id=agent.pk, queue_id=support_queue.pk,
            department_id=support_queue.department_id, status="sent", solved_at=solved_at, due_at=solved_at,
            sent_at=solved_at,
        ).pk  # fmt: skip

    plain = survey_of(TicketFactory(queue=support_queue, channel="email"))
    with_action = TicketFactory(queue=support_queue, channel="api")
    reopened = TicketFactory(queue=support_queue, channel="phone")
    requested = TicketFactory(queue=support_queue)
    # Written as bulk loaders do (no signals): the backfill is what must find them.
    OffscriptAction.objects.bulk_create(
        [
            OffscriptAction(ticket=with_action, agent=agent, kind=kind, reason="Goodwill", status="approved"),
            OffscriptAction(ticket=requested, agent=agent, kind=kind, reason="Goodwill", status="pending"),
        ]
    )
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=reopened, kind="status", old_value="solved", new_value="open",
                created_at=solved + dt.timedelta(days=1),
            )
        ]
    )  # fmt: skip
    ids = {
        "plain": plain,
        "with_action": survey_of(with_action),
        "reopened_before": survey_of(reopened),
        "solved_after_the_reopening": survey_of(reopened, solved_at=solved + dt.timedelta(days=2)),
        "requested": survey_of(requested),
    }

    _migrate(latest)
    from feedback.models import Survey as Current

    found = {
        name: Current.objects.values_list("channel", "offscript", "reopened_after_solve").get(pk=pk)
        for name, pk in ids.items()
    }
    assert found == {
        "plain": ("email", False, False),
        "with_action": ("api", True, False),
        "reopened_before": ("phone", False, True),
        "solved_after_the_reopening": ("phone", False, False),
        "requested": ("web", False, False),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'survey_period_cover'")
            assert "channel" in cursor.fetchone()[0]
