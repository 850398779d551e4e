"""One in-app notice model for every app: a kind code and raw params, rendered in the viewer's language."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    # A code registered in `notices.kinds` (e.g. "offscript.pending", "survey.low_rating", "mention").
    kind = models.CharField(max_length=50)
    # What the notice is about, as "app_label.model:pk" (e.g. "tickets.ticket:42"); empty for none.
    target = models.CharField(max_length=100, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notice_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class EmailPreference(models.Model):
    """A person's choice of which notice kinds also come by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_email_prefs")
    kind = models.CharField(max_length=50)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notice_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {'e-mail' if self.email else 'in-app'}"


class Acknowledgement(models.Model):
    """ "Read and understood": one person confirmed one version of one piece of content (an
    announcement, a policy article). A new version of the content asks again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements")
    # What was confirmed, as Notice.target: "app_label.model:pk" (e.g. "kb.article:7").
    target = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target", "version"], name="acknowledgement_once_per_version")
        ]
        indexes = [models.Index(fields=["target", "version"], name="acknowledgement_target_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.target} v{self.version}"
