from django.contrib import admin

from recognition.models import Announcement, Kudos, KudosValue, Milestone, Review


@admin.register(KudosValue)
class KudosValueAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "active", "order")
    list_editable = ("active", "order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ("giver", "recipient", "value", "visibility", "created_at")
    list_filter = ("value", "visibility", "source")
    raw_id_fields = ("giver", "recipient", "ticket")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "key", "occurred_on")
    list_filter = ("kind",)


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "tone", "requires_ack", "published_at")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("agent", "quarter", "agent_signed_at", "lead_signed_at")
    list_filter = ("quarter",)
    raw_id_fields = ("agent", "lead_author", "lead_signed_by")
