from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = _("Off-script latitude")

    def ready(self):
        from agents import views
        from agents.selectors import pending_close_guard
        from tickets import hooks

        # Guarded against double registration (ready() can run twice in some test set-ups).
        for registry, item in (
            (hooks.transition_guards, pending_close_guard),
            (hooks.ticket_panels, views.discretion_panel),
            (hooks.nav_items, views.nav_items),
        ):
            if item not in registry:
                registry.append(item)
