"""Satisfaction figures read the other apps' tables through covering indexes (migrations 0001–0002).

Operational figures need business minutes, which SQL cannot compute from a calendar, so they come
from one narrow row per ticket (`TicketStats`), kept current inside every change to the ticket by
an event-stream subscriber (live to the minute), and from hourly backlog snapshots.
"""

from django.db import models


class TicketStats(models.Model):
    """What the operational reports count about one ticket, in the ticket's own department calendar."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="opstats")
    department_id = models.BigIntegerField(null=True)
    queue_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)  # the assignee (at the solve, once solved)
    channel = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True)
    first_response_due = models.DateTimeField(null=True)
    first_response_minutes = models.IntegerField(null=True)  # business minutes from creation
    solved_at = models.DateTimeField(null=True)  # the last solve, while the ticket stays solved or closed
    resolution_due = models.DateTimeField(null=True)
    resolution_minutes = models.IntegerField(null=True)  # business minutes from creation to the solve
    replies = models.PositiveIntegerField(default=0)  # public replies by agents
    reopened = models.PositiveIntegerField(default=0)  # times it went from solved back to open
    merged = models.BooleanField(default=False)  # merged into another ticket: counted there, not here

    class Meta:
        # Covering (PostgreSQL): a period's rows are read from the index alone, whatever the grouping.
        indexes = [
            models.Index(
                fields=["created_at"],
                name="opstats_created_cover_idx",
                include=[
                    "department_id", "queue_id", "agent_id", "channel", "first_response_at", "first_response_due",
                    "first_response_minutes",
                ],
            ),
            models.Index(
                fields=["solved_at"],
                name="opstats_solved_cover_idx",
                include=[
                    "department_id", "queue_id", "agent_id", "channel", "resolution_due", "resolution_minutes",
                    "replies", "reopened",
                ],
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"stats of ticket {self.ticket_id}"


class BacklogSnapshot(models.Model):
    """Open and pending tickets of one queue at one hour (UTC), taken by the beat job and rebuilt from history."""

    taken_at = models.DateTimeField()
    queue_id = models.BigIntegerField()
    department_id = models.BigIntegerField(null=True)
    open = models.PositiveIntegerField(default=0)  # new + open
    pending = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["taken_at", "queue_id"], name="backlog_once_per_hour")]
        indexes = [models.Index(fields=["taken_at"], name="backlog_taken_idx")]

    def __str__(self) -> str:
        return f"backlog {self.queue_id} at {self.taken_at:%Y-%m-%d %H:%M}"
