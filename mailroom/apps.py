from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mailroom"
    verbose_name = _("E-mail")

    def ready(self):
        from mailroom import panels, replies
        from tickets import hooks

        hooks.public_reply_created.connect(replies.on_public_reply_created, dispatch_uid="mailroom.reply_email")
        hooks.ticket_created.connect(replies.on_ticket_created, dispatch_uid="mailroom.acknowledgement")
        if panels.delivery_panel not in hooks.ticket_panels:
            hooks.ticket_panels.append(panels.delivery_panel)
        if panels.nav not in hooks.nav_items:
            hooks.nav_items.append(panels.nav)
        if panels.thread_with_email not in hooks.thread_queryset_hooks:
            hooks.thread_queryset_hooks.append(panels.thread_with_email)
        if panels.render_message_body not in hooks.message_body_renderers:
            hooks.message_body_renderers.append(panels.render_message_body)
