from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A customer's organisation, matched by name to `Customer.organisation`. When it shares
    tickets, each of its customers sees every ticket of the organisation in the portal."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    share_tickets = models.BooleanField(
        _("members see each other's tickets"), default=False, help_text=_("In the customer portal.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class SignInLink(models.Model):
    """One e-mailed sign-in link. The token is never stored: it is an HMAC of the row's id and nonce
    under SECRET_KEY, computed only when the e-mail is sent; the row keeps its SHA-256."""

    customer = models.ForeignKey("tickets.Customer", on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    outbound = models.ForeignKey(
        "mailroom.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"sign-in link {self.pk} for customer {self.customer_id}"
