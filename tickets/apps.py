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

        from django.contrib.auth.models import Group, User

        from helpdesk import refdata
        from helpdesk.registration import register
        from tickets import collab, hooks
        from tickets.models import Department, Macro, Profile, Queue, TicketField
        from tickets.services_fields import required_fields_guard

        refdata.watch(Queue, Department, Macro, TicketField, Profile, User, Group)

        from tickets import events
        from tickets.selectors import bump_tickets_version
        from tickets.views_tools import tools_panel

        register(hooks.transition_guards, required_fields_guard)
        register(hooks.ticket_panels, tools_panel)
        from notices.context_processors import badge_queries as notice_badges

        register(hooks.badge_queries, notice_badges)
        collab.register()
        # Cached counts (inbox views, saved views) are keyed on a version that every committed change bumps.
        events.subscribe(bump_tickets_version)
