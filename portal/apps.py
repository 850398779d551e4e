from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self):
        from mailroom import hooks as mail_hooks
        from portal import services

        if services.render_sign_in_link not in mail_hooks.outbound_renderers:
            mail_hooks.outbound_renderers.append(services.render_sign_in_link)
