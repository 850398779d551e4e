"""Satisfaction surveys: one per solve, its schedule, its token (hashed), its answer; per-queue settings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Channel, Ticket

SATISFIED_RATINGS = (4, 5)
LOW_RATINGS = (1, 2)


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped")


class LowReason(models.TextChoices):
    WAIT = "wait", _("I waited too long")
    COMPETENCE = "competence", _("The agent did not know enough")
    OUTCOME = "outcome", _("My problem was not solved")
    POLITENESS = "politeness", _("The agent was not polite")
    OTHER = "other", _("Something else")


class Trigger(models.TextChoices):
    SOLVED = "solved", _("When solved")
    CLOSED = "closed", _("When closed")


class SurveySettings(models.Model):
    """How one queue surveys its customers. A queue without a row uses the defaults below."""

    queue = models.OneToOneField(
        "tickets.Queue", on_delete=models.CASCADE, related_name="survey_settings", verbose_name=_("queue")
    )
    enabled = models.BooleanField(_("send surveys"), default=True)
    # Empty: settings.SURVEY_DELAY_SECONDS, read when the survey is scheduled.
    delay_seconds = models.PositiveIntegerField(
        _("delay (seconds)"), null=True, blank=True, help_text=_("Empty: the site default.")
    )
    trigger = models.CharField(_("send when the ticket is"), max_length=10, choices=Trigger.choices, default="solved")
    sampling_percent = models.PositiveSmallIntegerField(
        _("sampling rate (%)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Survey only this share of solved tickets (for very busy queues)."),
    )
    exclusion_days = models.PositiveSmallIntegerField(
        _("do not ask again within (days)"),
        default=0,
        help_text=_("No survey for a customer who received one in the last N days. 0: always ask."),
    )
    reminder_enabled = models.BooleanField(_("send one reminder"), default=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder after (days)"), default=3, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.CheckConstraint(condition=Q(sampling_percent__lte=100), name="survey_sampling_percent_lte_100")
        ]

    def __str__(self) -> str:
        return f"{self.queue}"

    def effective_delay_seconds(self) -> int:
        return settings.SURVEY_DELAY_SECONDS if self.delay_seconds is None else self.delay_seconds


_SENT = Q(sent_at__isnull=False)
REPORT_INDEXES = [
    models.Index(
        fields=["sent_at"],
        include=[
            "id",
            "agent",
            "department",
            "queue",
            "channel",
            "ticket",
            "rating",
            "offscript",
            "reopened_after_solve",
        ],
        condition=_SENT,
        name="survey_period_cover",
    ),
    models.Index(
        fields=["department", "sent_at"],
        include=["id", "agent", "queue", "channel", "ticket", "rating", "offscript", "reopened_after_solve"],
        condition=_SENT,
        name="survey_dept_period_cover",
    ),
    # The few surveys whose ticket had an approved off-script action: the comparison's per-kind and money
    # queries join only these to the actions.
    models.Index(
        fields=["sent_at"],
        include=["id", "agent", "department", "queue", "channel", "ticket", "rating", "reopened_after_solve"],
        condition=_SENT & Q(offscript=True),
        name="survey_offscript_cover",
    ),
    models.Index(
        fields=["agent", "sent_at"], include=["rating", "ticket"], condition=_SENT, name="survey_agent_sent_cover"
    ),
    models.Index(
        fields=["sent_at"],
        include=["id", "rating", "answered_at", "agent", "department", "queue"],
        condition=~Q(comment="") & Q(rating__isnull=False),
        name="survey_comments_cover",
    ),
    models.Index(
        fields=["sent_at"],
        include=["low_reason", "agent", "department", "queue"],
        condition=Q(rating__in=[1, 2]),
        name="survey_low_cover",
    ),
]
# The names these had when insights' migrations 0001/0002 created them (existing databases).
REPORT_INDEX_OLD_NAMES = {
    "survey_period_cover": "insights_survey_period",
    "survey_dept_period_cover": "insights_survey_dept_period",
    "survey_agent_sent_cover": "insights_survey_agent_sent_cover",
    "survey_comments_cover": "insights_survey_comments",
    "survey_low_cover": "insights_survey_low",
}


class Survey(models.Model):
    """One survey for one solve. Agent, queue and department are copied at solve time and never move;
    the channel is the ticket's."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="surveys")
    customer = models.ForeignKey("tickets.Customer", on_delete=models.CASCADE, related_name="surveys")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    queue = models.ForeignKey("tickets.Queue", on_delete=models.PROTECT, related_name="surveys")
    department = models.ForeignKey("tickets.Department", on_delete=models.PROTECT, related_name="surveys")
    # The ticket's channel, copied when the survey is created (and followed if the ticket's ever changes:
    # feedback.hooks), so the reports' breakdown by channel reads the survey's own covering index.
    # The database defaults serve only rows written by code older than these columns (a deploy's window);
    # a survey's fields are recomputed when it is sent, before any report counts it.
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, db_default="")
    # Facts about the ticket that the reports count, kept current by feedback (services.refresh_report_fields,
    # called from hooks as actions are decided and tickets reopen) so they read from the survey's index alone:
    offscript = models.BooleanField(db_default=False)  # the ticket has an approved off-script action
    reopened_after_solve = models.BooleanField(db_default=False)  # it went from solved back to open after this solve
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED)
    skip_reason = models.CharField(max_length=40, blank=True, default="")
    solved_at = models.DateTimeField(_("solved"))
    due_at = models.DateTimeField(_("due"))
    # When the sweeper last handed it to the broker; lets it skip rows already in flight.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    outbound = models.ForeignKey(
        "mailroom.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SHA-256 (hex) of the token in the e-mail's links; the raw token is never stored.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # Set when sent, from the queue's reminder settings; empty: no reminder.
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    reminder_outbound = models.ForeignKey(
        "mailroom.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, default="")
    low_reason = models.CharField(_("reason"), max_length=12, choices=LowReason.choices, blank=True, default="")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-solved_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [
            models.Index(fields=["status", "due_at"], name="survey_status_due_idx"),
            models.Index(fields=["status", "reminder_due_at"], name="survey_status_reminder_idx"),
            models.Index(fields=["customer", "-sent_at"], name="survey_customer_sent_idx"),
            models.Index(fields=["agent", "-answered_at"], name="survey_agent_answered_idx"),
            models.Index(fields=["department", "-answered_at"], name="survey_dept_answered_idx"),
            # Covering indexes for the satisfaction reports (INCLUDE is PostgreSQL's; elsewhere plain
            # partial indexes). Each report filters by `sent_at` and reads only the included columns.
            *REPORT_INDEXES,
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Survey {self.pk} for {self.ticket_id}"

    @classmethod
    def of_ticket(cls, ticket: Ticket, **fields) -> Survey:
        """An unsaved survey of this ticket's solve, with what it copies from the ticket (agent, queue,
        department, channel, the customer's language)."""
        return cls(
            ticket=ticket,
            customer_id=ticket.customer_id,
            agent_id=ticket.assignee_id,
            queue_id=ticket.queue_id,
            department_id=ticket.queue.department_id,
            channel=ticket.channel,
            language=ticket.customer.language or ticket.language,
            **fields,
        )

    @property
    def satisfied(self) -> bool | None:
        return None if self.rating is None else self.rating in SATISFIED_RATINGS

    @property
    def is_low(self) -> bool:
        return self.rating in LOW_RATINGS

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class SurveyOptOut(models.Model):
    """A customer who asked for no more surveys (the unsubscribe link)."""

    customer = models.OneToOneField("tickets.Customer", on_delete=models.CASCADE, related_name="survey_opt_out")
    created_at = models.DateTimeField(default=timezone.now)
    survey = models.ForeignKey(Survey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return f"{self.customer}"


class NoticeKind(models.TextChoices):
    """Feedback's kinds of `notices.Notice` (registered in feedback.hooks)."""

    ANSWER = "survey.answer", _("A customer answered your survey")
    LOW_RATING = "survey.low_rating", _("Low rating in your department")
