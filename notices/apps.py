from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notices")

    # Its menu badge joins tickets.hooks.badge_queries from tickets.apps: notices sits below tickets.
