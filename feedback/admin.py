from django.contrib import admin

from feedback.models import Survey, SurveyOptOut, SurveySettings
from helpdesk.admin import ViewOnlyAdmin


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = [
        "queue",
        "enabled",
        "delay_seconds",
        "trigger",
        "sampling_percent",
        "exclusion_days",
        "reminder_enabled",
        "reminder_after_days",
    ]
    list_editable = ["enabled", "sampling_percent", "exclusion_days", "reminder_enabled"]


@admin.register(Survey)
class SurveyAdmin(ViewOnlyAdmin):
    """Answers come from the customer and go into the ticket's history: read-only here."""

    list_display = ["id", "ticket", "agent", "queue", "status", "due_at", "sent_at", "rating", "answered_at"]
    list_filter = ["status", "rating", "queue", "department", "language"]
    list_select_related = ["ticket", "agent", "queue"]
    raw_id_fields = ["ticket", "customer", "agent", "outbound", "reminder_outbound"]
    search_fields = ["ticket__subject", "customer__email", "comment"]
    # The token hashes are useless to a person and must never be edited by hand.
    exclude = ["token_hash", "reminder_token_hash"]
    date_hierarchy = "solved_at"


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(ViewOnlyAdmin):
    list_display = ["customer", "created_at"]
    raw_id_fields = ["customer", "survey"]
    search_fields = ["customer__email"]
