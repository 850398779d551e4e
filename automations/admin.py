from django.contrib import admin

from automations.models import AgentState, Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "active", "position")
    list_editable = ("active", "position")


admin.site.register(RuleRun)
admin.site.register(AgentState)
