"""Django admin for every ticket model: searchable, filterable, with the thread and history inline.

Tickets, their messages and their history are read-only here: every change to a ticket goes through
`tickets.services` (the ticket page, the API, rules), which write its history and run its guards and
hooks. Customer edits are routed through `services.update_customer` for the same reason.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ViewOnlyAdmin
from tickets import services
from tickets.models import (
    Attachment,
    BusinessCalendar,
    Customer,
    Department,
    Holiday,
    Macro,
    Message,
    Profile,
    Queue,
    SavedView,
    SlaPolicy,
    Tag,
    Ticket,
    TicketEvent,
    TicketField,
)


class QueueInline(admin.TabularInline):
    model = Queue
    extra = 0
    fields = ("name", "slug", "email_address", "is_public")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "lead", "manager")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("lead", "manager")
    inlines = [QueueInline]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "email_address", "is_public")
    list_filter = ("department", "is_public")
    search_fields = ("name", "slug", "email_address")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "language", "timezone", "started_on")
    list_filter = ("department", "language")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "department")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("display_name", "email", "language", "organisation", "created_at")
    list_filter = ("language",)
    search_fields = ("name", "email", "organisation")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # The address is the customer's identity; a new customer is created with one.
        return ("email", "created_at") if obj is not None else ("created_at",)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service: the change is recorded on each of the customer's tickets.
        services.update_customer(
            customer=obj,
            by=request.user,
            name=form.cleaned_data.get("name", obj.name),
            language=form.cleaned_data.get("language", obj.language),
            organisation=form.cleaned_data.get("organisation", obj.organisation),
            notes=form.cleaned_data.get("notes", obj.notes),
        )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("priority", "first_response_minutes", "resolution_minutes")


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ("kind", "author", "created_at", "channel", "body", "cc")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("author",)
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "old_value", "new_value")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # history is written by the services, never by hand

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ViewOnlyAdmin):
    """Status, assignee, queue, priority and the rest: read-only (the services write the history)."""

    list_display = ("reference", "subject", "customer", "status", "priority", "queue", "assignee", "updated_at")
    list_filter = ("status", "priority", "channel", "queue__department", "queue", "language")
    search_fields = ("subject", "customer__email", "customer__name", "id")
    list_select_related = ("customer", "queue", "assignee")
    autocomplete_fields = ("customer", "assignee", "parent", "requested_by")
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"
    readonly_fields = ("search_document",)
    inlines = [MessageInline, TicketEventInline]
    list_per_page = 50

    @admin.display(description=_("reference"), ordering="id")
    def reference(self, obj):
        return obj.reference


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("filename", "content_type", "size")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ViewOnlyAdmin):
    list_display = ("ticket", "kind", "author", "channel", "created_at")
    list_filter = ("kind", "channel")
    search_fields = ("body", "ticket__subject", "email_message_id")
    raw_id_fields = ("ticket",)
    autocomplete_fields = ("author",)
    list_select_related = ("ticket", "author")
    date_hierarchy = "created_at"
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(ViewOnlyAdmin):
    list_display = ("filename", "content_type", "size", "message")
    search_fields = ("filename",)
    raw_id_fields = ("message",)


@admin.register(TicketEvent)
class TicketEventAdmin(ViewOnlyAdmin):
    list_display = ("ticket", "kind", "actor", "old_value", "new_value", "created_at")
    list_filter = ("kind",)
    search_fields = ("ticket__subject", "old_value", "new_value")
    raw_id_fields = ("ticket",)
    list_select_related = ("ticket", "actor")
    date_hierarchy = "created_at"


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "set_status", "set_priority")
    list_filter = ("department",)
    search_fields = ("name", "body")
    filter_horizontal = ("add_tags",)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("department", "timezone")
    inlines = [HolidayInline]


@admin.register(TicketField)
class TicketFieldAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "type", "queue", "required_to_solve", "public", "inbox_column", "position")
    list_editable = ("inbox_column", "position")
    list_filter = ("type", "queue", "public", "inbox_column")
    search_fields = ("key", "label")

    def save_model(self, request, obj, form, change):
        from tickets.services_fields import _forget_definitions

        super().save_model(request, obj, form, change)
        _forget_definitions()

    def delete_model(self, request, obj):
        from tickets.services_fields import _forget_definitions

        super().delete_model(request, obj)
        _forget_definitions()


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "department", "created_at")
    list_filter = ("department",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)
