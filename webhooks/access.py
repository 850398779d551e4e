"""Webhooks are organisation settings: managers and admins see and change all of them; nobody else any."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from tickets.access import is_manager_or_above
from webhooks.models import Delivery, Webhook


def get_webhook_for_user(user, pk) -> Webhook:
    if not is_manager_or_above(user):
        raise Http404("No such webhook")
    try:
        return Webhook.objects.get(pk=int(pk))
    except (Webhook.DoesNotExist, TypeError, ValueError):
        raise Http404("No such webhook") from None


def get_delivery_for_user(user, webhook: Webhook, delivery_id) -> Delivery:
    try:
        return Delivery.objects.get(webhook=webhook, id=str(delivery_id))
    except (Delivery.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such delivery") from None
