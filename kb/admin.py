from django.contrib import admin

from kb import services
from kb.models import Article, Category
from tickets.html import sanitize_html


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
        # The same rules as the API: sanitised HTML, and the help centre's search kept in step.
        obj.body = sanitize_html(obj.body)
        obj.search_text = services.search_text_of(obj)
        super().save_model(request, obj, form, change)
        services.reindex([obj.pk])
