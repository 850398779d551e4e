from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (staff only)")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One article in one language. Translations of one article share `translation_group`."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("HTML; sanitised when saved."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", verbose_name=_("category")
    )
    translation_group = models.UUIDField(default=uuid.uuid4, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    # Internal articles may ask a department to confirm "read and understood"; each new version asks again.
    ack_department = models.ForeignKey(
        "tickets.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department that must confirm"),
    )
    version = models.PositiveIntegerField(default=1)
    view_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    search_text = models.TextField(blank=True, default="", editable=False)
    # PostgreSQL only (GIN-indexed by migration 0002); null on SQLite, which searches search_text with LIKE.
    search_vector = SearchVectorField(null=True, editable=False)
    # The title's vector alone, for ranking: small enough to stay in the row (the whole text's vector is
    # TOASTed, and ranking every match on it cost most of a search). PostgreSQL only, like search_vector.
    rank_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["language", "visibility", "published"], name="kb_article_public_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["translation_group", "language"], name="kb_one_translation_per_language")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC and self.published


class ArticleFeedback(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["article", "created_at"])]

    def __str__(self) -> str:
        return f"{'helpful' if self.helpful else 'not helpful'}: article {self.article_id}"


class DeflectionSource(models.TextChoices):
    CONTACT = "contact", _("Contact form")
    PORTAL = "portal", _("Customer portal")
    HELP = "help", _("Help centre")


class Deflection(models.Model):
    """A customer said a suggested article solved their question: one request we did not get."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deflections")
    source = models.CharField(max_length=10, choices=DeflectionSource.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"article {self.article_id} solved it ({self.source})"
