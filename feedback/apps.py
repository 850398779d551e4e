from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Customer feedback")

    def ready(self):
        from feedback import hooks as feedback_hooks
        from tickets import hooks

        hooks.ticket_solved.connect(feedback_hooks.on_ticket_solved, dispatch_uid="feedback.solved", weak=False)
        hooks.ticket_reopened.connect(feedback_hooks.on_ticket_reopened, dispatch_uid="feedback.reopened", weak=False)
        closed = getattr(hooks, "ticket_closed", None)
        if closed is not None:
            closed.connect(feedback_hooks.on_ticket_closed, dispatch_uid="feedback.closed", weak=False)
        if feedback_hooks.survey_panel not in hooks.ticket_panels:
            hooks.ticket_panels.append(feedback_hooks.survey_panel)
        if feedback_hooks.feedback_nav not in hooks.nav_items:
            hooks.nav_items.append(feedback_hooks.feedback_nav)
