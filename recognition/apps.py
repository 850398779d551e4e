from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recognition"
    verbose_name = _("Colleagues")

    def ready(self):
        from recognition import panels, services
        from tickets import hooks

        hooks.ticket_solved.connect(services.on_ticket_solved, dispatch_uid="recognition.internal_survey")
        for provider in (panels.internal_requests_panel, panels.internal_request_panel):
            if provider not in hooks.ticket_panels:
                hooks.ticket_panels.append(provider)
        if panels.nav not in hooks.nav_items:
            hooks.nav_items.append(panels.nav)
