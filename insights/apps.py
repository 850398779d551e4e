from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = _("Satisfaction dashboards")

    def ready(self) -> None:
        from insights import metrics, views
        from tickets import events, hooks

        if views.nav_items not in hooks.nav_items:
            hooks.nav_items.append(views.nav_items)
        # Operational figures stay live: every change to a ticket updates its stats row in the same change.
        events.subscribe_in_transaction(metrics.on_event)
