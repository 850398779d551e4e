"""The Celery app. Periodic jobs are listed once, in `PERIODIC_TASKS`, and installed by `setup_periodic_tasks`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# name -> (task name, seconds between runs). Every periodic job of every app, in one place.
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    "mail: re-queue unsent outbound e-mail": ("mailroom.sweep_outbound", 30),
    "mail: fetch new e-mail from IMAP_URL": ("mailroom.poll_imap", 60),
    "agents: escalate off-script requests undecided too long": ("agents.escalate_overdue_requests", 300),
    "surveys: send due surveys and reminders": ("feedback.sweep_surveys", 30),
    # Daily; the service prepares the quarter that ended, once (idempotent), so it runs each quarter.
    "colleagues: prepare quarterly reviews": ("recognition.prepare_due_reviews", 86400),
    "colleagues: celebrate milestones": ("recognition.detect_milestones", 3600),
    "webhooks: re-queue due and stuck deliveries": ("webhooks.sweep", 30),
    # Every 15 minutes, so each hour has its snapshot even if one run is missed (idempotent per hour).
    "reports: snapshot the backlog": ("insights.snapshot_backlog", 900),
    "automations: run time rules": ("automations.run_time_rules", 3600),
    # Out-of-office periods starting: approvals and open tickets move to the deputy (claimed once).
    "agents: hand over to deputies at the start of out-of-office": ("agents.hand_over_due_delegations", 300),
    # Daily; does nothing unless ATTACHMENT_RETENTION_DAYS is set.
    "privacy: delete attachments past retention": ("privacy.purge_expired_attachments", 86400),
}

import helpdesk.observability  # noqa: E402, F401 - request ids into task headers and back (signals)
