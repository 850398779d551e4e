"""Rules that work the queue, the record of each time one acted, and agents' availability for routing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    TICKET_UPDATED = "ticket_updated", _("Ticket updated")
    HOURLY = "hourly", _("Every hour (time rule)")


class Rule(models.Model):
    """`conditions`: [{field, operator, value}] (all must hold); `actions`: [{type, value}]."""

    name = models.CharField(_("name"), max_length=200)
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return self.name


class RuleRun(models.Model):
    """One rule acting on one ticket for one cause (`marker`: the event, or a time rule's state)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    marker = models.CharField(max_length=100)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "ticket", "marker"], name="rule_run_once")]
        indexes = [models.Index(fields=["rule", "created_at"])]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.ticket_id} ({self.marker})"


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    AWAY = "away", _("Away")


class AgentState(models.Model):
    """Routing's view of a person: available or away, how many open tickets they take, when last assigned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_state")
    availability = models.CharField(max_length=10, choices=Availability.choices, default=Availability.AVAILABLE)
    max_open = models.PositiveIntegerField(_("most open tickets"), null=True, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} {self.availability}"
