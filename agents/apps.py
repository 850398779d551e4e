from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agents"
    verbose_name = _("Off-script latitude")

    def ready(self):
        from agents import hooks

        hooks.install()

        from agents.models import DiscretionPolicy, OffscriptKind, PolicyLimit, ReasonCode
        from helpdesk import refdata

        refdata.watch(OffscriptKind, ReasonCode, DiscretionPolicy, PolicyLimit)
