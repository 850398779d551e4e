from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from kb import panels
        from tickets import hooks

        if panels.composer_panel not in hooks.ticket_panels:
            hooks.ticket_panels.append(panels.composer_panel)
        if panels.nav not in hooks.nav_items:
            hooks.nav_items.append(panels.nav)
