from django.contrib import admin

from portal.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "share_tickets"]
    list_filter = ["share_tickets"]
    search_fields = ["name"]
