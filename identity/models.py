"""Who a person is at the identity provider: the provider's subject, linked once to one Latitude user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    """The (issuer, subject) pair an OpenID Connect provider signs for a person; stable where e-mail is not."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="identity_once_per_subject")]
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"
