"""Colleagues: kudos and their feed, milestones, internal-service surveys, quarterly reviews, announcements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import SATISFIED_RATINGS
from helpdesk.translated import TranslatedName


class KudosValue(TranslatedName):
    """One of the company's values a kudos can celebrate; the list is edited by admins."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("kudos value")
        verbose_name_plural = _("kudos values")


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    LEAD = "lead", _("The recipient and their lead")
    RECIPIENT = "recipient", _("The recipient only")


class KudosSource(models.TextChoices):
    COLLEAGUE = "colleague", _("From a colleague")
    CUSTOMER_PRAISE = "praise", _("A customer's praise, shared by a lead")


class Kudos(models.Model):
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received", verbose_name=_("colleague")
    )
    message = models.TextField(_("message"), max_length=2000)
    value = models.ForeignKey(
        KudosValue, null=True, blank=True, on_delete=models.SET_NULL, related_name="kudos", verbose_name=_("value")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kudos",
        verbose_name=_("ticket"),
    )
    # The survey answer this kudos celebrates (feedback.Survey's id; feedback is a separate app).
    survey_pk = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.EVERYONE
    )
    points = models.PositiveIntegerField(_("points"), default=0)
    source = models.CharField(max_length=10, choices=KudosSource.choices, default=KudosSource.COLLEAGUE)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("recipient")), name="kudos_not_to_oneself"),
            # A customer's praise is shared once.
            models.UniqueConstraint(
                fields=["survey_pk"],
                condition=Q(source="praise"),
                name="kudos_praise_once_per_survey",
            ),
        ]
        indexes = [models.Index(fields=["giver", "created_at"]), models.Index(fields=["recipient", "created_at"])]

    def __str__(self) -> str:
        return f"{self.giver} → {self.recipient}"


class ReactionKind(models.TextChoices):
    CLAP = "clap", "👏"
    PARTY = "party", "🎉"
    HEART = "heart", "❤️"
    STRONG = "strong", "💪"


class Reaction(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kudos", "user", "kind"], name="reaction_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} on {self.kudos_id}"


class Comment(models.Model):
    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.kudos_id}"


# The kinds of `notices.Notice` recognition writes (registered and rendered in recognition.hooks).
NOTICE_PREFIXES = ("kudos.", "internal.", "review.", "recognition.")


class CelebrationPreference(models.Model):
    """A person's birthday, celebrated only if they opt in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="celebration")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    celebrate_birthday = models.BooleanField(_("celebrate my birthday in the feed"), default=False)

    def __str__(self) -> str:
        return f"{self.user}"


class MilestoneKind(models.TextChoices):
    ANNIVERSARY = "anniversary", _("Work anniversary")
    BIRTHDAY = "birthday", _("Birthday")
    SOLVED_100 = "solved_100", _("100th solved ticket")
    PERFECT_MONTH = "perfect_month", _("First perfect month of CSAT")


class Milestone(models.Model):
    """Something the company celebrates in the feed; one row per person, kind and occasion (`key`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    # The occasion: the year for anniversaries and birthdays, "once" for the one-off milestones.
    key = models.CharField(max_length=20)
    occurred_on = models.DateField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="milestone_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.key}"


class InternalSurvey(models.Model):
    """The requesting colleague's short rating of an internal request, asked once each time it is solved."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="internal_surveys")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("tickets.Department", on_delete=models.CASCADE, related_name="internal_surveys")
    solved_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-solved_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "solved_at"], name="internal_survey_once_per_solve"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="internal_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rating}"

    @property
    def satisfied(self) -> bool:
        return self.rating is not None and self.rating in SATISFIED_RATINGS


class Answer(models.TextChoices):
    ACKNOWLEDGED = "ack", _("Acknowledged")
    DISPUTED = "dispute", _("Disputed")


class Review(models.Model):
    """An agent's quarterly review: figures prepared from the data, reflection, lead's notes, sign-off."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.CharField(max_length=6)  # "2026Q3"
    department = models.ForeignKey("tickets.Department", null=True, on_delete=models.SET_NULL, related_name="reviews")
    figures = models.JSONField(default=dict)
    prepared_at = models.DateTimeField(default=timezone.now)

    reflection_impact = models.TextField(
        _("How did your work affect our customers' satisfaction this quarter?"), blank=True
    )
    reflection_proud = models.TextField(_("An example you are proud of?"), blank=True)
    reflection_help = models.TextField(_("What would help you serve better?"), blank=True)
    reflection_at = models.DateTimeField(null=True, blank=True)

    lead_notes = models.TextField(_("notes"), blank=True)
    lead_goals = models.TextField(_("goals for next quarter"), blank=True)
    lead_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_at = models.DateTimeField(null=True, blank=True)

    # The agent acknowledges or disputes each part the lead or the data wrote.
    figures_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    figures_comment = models.TextField(blank=True)
    notes_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    notes_comment = models.TextField(blank=True)
    goals_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    goals_comment = models.TextField(blank=True)

    agent_signed_at = models.DateTimeField(null=True, blank=True)
    lead_signed_at = models.DateTimeField(null=True, blank=True)
    lead_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-quarter", "agent__username"]
        constraints = [models.UniqueConstraint(fields=["agent", "quarter"], name="review_once_per_quarter")]

    def __str__(self) -> str:
        return f"{self.agent} {self.quarter}"

    @property
    def is_signed_off(self) -> bool:
        return bool(self.agent_signed_at and self.lead_signed_at)

    @property
    def parts_answered(self) -> bool:
        return bool(self.figures_answer and self.notes_answer and self.goals_answer)


class AnnouncementKind(models.TextChoices):
    NEWS = "news", _("News")
    POLICY = "policy", _("Policy change")
    PRODUCT = "product", _("Product change")


class Tone(models.TextChoices):
    GOOD = "good", _("Good news")
    BAD = "bad", _("Bad news")
    NEUTRAL = "neutral", _("Neutral")


class Announcement(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body_html = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=10, choices=AnnouncementKind.choices, default=AnnouncementKind.NEWS)
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.NEUTRAL)
    requires_ack = models.BooleanField(_("requires acknowledgement"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    """Opened it (a POST when the page is shown). "Read and understood" is notices.Acknowledgement."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.announcement_id}"
