from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from helpdesk.registration import register
        from notices.context_processors import badge_queries
        from tickets import hooks

        register(hooks.badge_queries, badge_queries)
