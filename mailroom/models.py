"""Outbound e-mail as rows: every mail Latitude sends is stored first, then sent by Celery."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply to a customer")
    SURVEY = "survey", _("Satisfaction survey")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    NOTIFICATION = "notification", _("Notification to staff")
    OTHER = "other", _("Other")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboundEmail(models.Model):
    kind = models.CharField(max_length=20, choices=OutboundKind.choices, default=OutboundKind.OTHER)
    from_email = models.CharField(max_length=255)
    to = models.TextField(help_text="Comma-separated recipients.")
    cc = models.TextField(blank=True, default="")
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    language = models.CharField(max_length=10, default="en")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [a.strip() for a in self.to.split(",") if a.strip()]

    @property
    def cc_list(self) -> list[str]:
        return [a.strip() for a in self.cc.split(",") if a.strip()]


class OutboxMessage(models.Model):
    """The local outbox: where mail goes when no EMAIL_URL is set. The demo shows it in the browser."""

    from_email = models.CharField(max_length=255)
    recipients = models.TextField()
    subject = models.CharField(max_length=998)
    message_id = models.CharField(max_length=255, blank=True, default="")
    raw = models.TextField(help_text="The full MIME message as it would have gone over SMTP.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return self.subject
