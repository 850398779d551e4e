from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mailroom"
    verbose_name = _("E-mail")

    def ready(self):
        from mailroom import hooks

        hooks.install()
