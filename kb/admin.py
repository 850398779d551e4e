from django.contrib import admin

from kb import services
from kb.models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "visibility", "published", "category", "owner", "review_by", "version"]
    list_filter = ["language", "visibility", "published", "category"]
    search_fields = ["title"]
    readonly_fields = ["version", "view_count", "translation_group"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Keep the help centre's search in step with edits made here.
        obj.search_text = services._search_text(obj)
        obj.save(update_fields=["search_text"])
        services.reindex([obj.pk])
