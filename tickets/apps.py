from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from django.db.backends.signals import connection_created

        from helpdesk.schedule import install_periodic_tasks
        from tickets.search import register_sqlite_fold

        post_migrate.connect(install_periodic_tasks, sender=self)
        connection_created.connect(register_sqlite_fold, dispatch_uid="tickets.sqlite_fold")

        from tickets import collab, hooks
        from tickets.services_fields import required_fields_guard

        if required_fields_guard not in hooks.transition_guards:
            hooks.transition_guards.append(required_fields_guard)
        collab.register()

        from tickets import events
        from tickets.selectors import bump_tickets_version
        from tickets.views_tools import tools_panel

        # Cached counts (inbox views, saved views) are keyed on a version that every committed change bumps.
        events.subscribe(bump_tickets_version)

        if tools_panel not in hooks.ticket_panels:
            hooks.ticket_panels.append(tools_panel)
