"""Admin building blocks shared by the apps."""

from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    """Admins may look, search and delete; changes go through the services, which keep the ticket's history."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
