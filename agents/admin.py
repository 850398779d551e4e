from django.contrib import admin

from agents import services
from agents.models import (
    Delegation,
    DiscretionPolicy,
    OffscriptAction,
    OffscriptKind,
    PolicyLimit,
    PolicyVersion,
    ReasonCode,
)


class ReasonCodeInline(admin.TabularInline):
    model = ReasonCode
    extra = 1


@admin.register(OffscriptKind)
class OffscriptKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "has_amount", "currency", "hard_ceiling", "active", "position"]
    list_editable = ["active", "position"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ReasonCodeInline]


class PolicyLimitInline(admin.TabularInline):
    model = PolicyLimit
    extra = 0


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "limits", "changed_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DiscretionPolicy)
class DiscretionPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "role", "user", "starts_on", "ends_on", "active", "version"]
    list_filter = ["scope", "role", "active"]
    readonly_fields = ["version", "updated_at"]
    inlines = [PolicyLimitInline, PolicyVersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Every change is a new version: actions keep the limits they were taken under.
        services.publish_policy_version(policy=form.instance, by=request.user)


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["from_user", "to_user", "starts_at", "ends_at", "note"]


@admin.register(OffscriptAction)
class OffscriptActionAdmin(admin.ModelAdmin):
    """Read-only: actions change only through approvals, so the audit trail stays true."""

    list_display = ["id", "created_at", "ticket", "agent", "kind", "amount", "currency", "status", "decided_by"]
    list_filter = ["status", "kind", "approval_level"]
    search_fields = ["reason", "agent__username", "ticket__subject"]
    list_select_related = ["ticket", "agent", "kind", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
