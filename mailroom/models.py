"""Outbound e-mail as rows: every mail Latitude sends is stored first, then sent by Celery."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundKind(models.TextChoices):
    REPLY = "reply", _("Reply to a customer")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a new request")
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
    # Links that are keys (survey, sign-in) never sit in the row in the clear: the bodies hold a
    # placeholder, and the secrets are kept here encrypted with a key derived from SECRET_KEY,
    # put back only when the message is built for sending (mailroom.secrets).
    sealed_secrets = models.TextField(blank=True, default="", editable=False)
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


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP mailbox")
    PIPE = "pipe", _("Mail server pipe (stdin)")
    FILE = "file", _("File")
    RETRY = "retry", _("Retried from quarantine")
    TEST = "test", _("Test or benchmark")


class InboundStatus(models.TextChoices):
    CREATED = "created", _("Opened a ticket")
    APPENDED = "appended", _("Added to a ticket")
    IGNORED = "ignored", _("Ignored (automatic, bulk or looping mail)")


class InboundEmail(models.Model):
    """One received e-mail, stored once per Message-ID, with what became of it.

    The ticket Message keeps the full text; here we also keep the raw source, the part the customer
    wrote above the quoted history (`visible_text`/`visible_html`) and the quoted rest, for the thread view.
    """

    message_id = models.CharField(max_length=255)
    # What makes two deliveries the same message: the same Message-ID *and* this digest of the content
    # (sender, subject, date, body). A different message reusing a Message-ID is stored, not dropped.
    content_digest = models.CharField(max_length=64, blank=True, default="")
    source = models.CharField(max_length=10, choices=InboundSource.choices, default=InboundSource.PIPE)
    status = models.CharField(max_length=10, choices=InboundStatus.choices)
    ignore_reason = models.CharField(max_length=200, blank=True, default="")
    from_email = models.CharField(max_length=254, blank=True, default="")
    from_name = models.CharField(max_length=200, blank=True, default="")
    to = models.TextField(blank=True, default="")
    cc = models.TextField(blank=True, default="")
    subject = models.CharField(max_length=998, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    in_reply_to = models.TextField(blank=True, default="")
    references = models.TextField(blank=True, default="")
    language = models.CharField(max_length=10, blank=True, default="")
    body_text = models.TextField(blank=True, default="", help_text="The full text, quoted history included.")
    visible_text = models.TextField(blank=True, default="", help_text="What the sender wrote, without quotes.")
    quoted_text = models.TextField(blank=True, default="", help_text="Quoted history and signature.")
    visible_html = models.TextField(blank=True, default="", help_text="Sanitised.")
    quoted_html = models.TextField(blank=True, default="", help_text="Sanitised.")
    notes = models.JSONField(default=list, blank=True, help_text="What could not be kept, e.g. dropped attachments.")
    raw = models.BinaryField(editable=False)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    ticket_message = models.OneToOneField(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_email"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "-received_at"]), models.Index(fields=["message_id"])]
        constraints = [
            models.UniqueConstraint(fields=["message_id", "content_digest"], name="inbound_once_per_id_and_content")
        ]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")

    def __str__(self) -> str:
        return f"{self.subject} ← {self.from_email}"

    @property
    def has_quote(self) -> bool:
        return bool(self.quoted_text.strip() or self.quoted_html.strip())


class QuarantineStatus(models.TextChoices):
    HELD = "held", _("Held")
    RELEASED = "released", _("Retried and stored")
    DISCARDED = "discarded", _("Discarded")


class QuarantinedEmail(models.Model):
    """A message that could not be ingested, kept raw so nothing is lost; admins retry or discard it."""

    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the raw message.")
    raw = models.BinaryField(editable=False)
    source = models.CharField(max_length=10, choices=InboundSource.choices, default=InboundSource.PIPE)
    error = models.TextField()
    subject_hint = models.CharField(max_length=300, blank=True, default="")
    from_hint = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=10, choices=QuarantineStatus.choices, default=QuarantineStatus.HELD)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    inbound = models.ForeignKey(InboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quarantined e-mail")
        verbose_name_plural = _("quarantined e-mails")

    def __str__(self) -> str:
        return self.subject_hint or self.digest[:12]

    @property
    def size(self) -> int:
        return len(self.raw or b"")


class MailTemplate(models.Model):
    """An admin's version of an e-mail, per queue (empty: every queue) and language.

    Subject and bodies are Django template strings with the same context as the file templates
    in templates/emails/; when one matches, it wins over the files.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=OutboundKind.choices, default=OutboundKind.REPLY)
    queue = models.ForeignKey(
        "tickets.Queue",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mail_templates",
        verbose_name=_("queue"),
        help_text=_("Empty: used for every queue that has no template of its own."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True, help_text=_("Optional."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "queue__name", "language"]
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "queue", "language"],
                condition=models.Q(queue__isnull=False),
                name="mailtemplate_one_per_queue_language",
            ),
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=models.Q(queue__isnull=True),
                name="mailtemplate_one_default_per_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.queue or _('every queue')} · {self.language}"


class AllowedSender(models.Model):
    """A sender or a whole domain whose mail opens tickets even when the loop guard would ignore it
    (a noreply address, an `Auto-Submitted` notification from another system an admin wants handled)."""

    pattern = models.CharField(
        _("sender or domain"),
        max_length=254,
        unique=True,
        help_text=_("An address (alerts@monitor.example) or a domain (monitor.example)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("allowed sender")
        verbose_name_plural = _("allowed senders")

    def __str__(self) -> str:
        return self.pattern

    @classmethod
    def allows(cls, address: str) -> bool:
        address = (address or "").lower()
        if "@" not in address:
            return False
        domain = address.rsplit("@", 1)[1]
        return cls.objects.filter(pattern__in=[address, domain, f"@{domain}"]).exists()
