"""Writes of the knowledge base: articles, their search index, feedback, views and deflections."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F, Value
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from helpdesk.errors import DomainError
from kb import search
from kb.models import Article, ArticleFeedback, Category, Deflection, DeflectionSource, Visibility
from tickets import access
from tickets.html import sanitize_html

if TYPE_CHECKING:
    from django.db.models import QuerySet

COMMENT_MAX = 2000
LANGUAGE_CODES = {"en", "pt", "pt-br", "el", "sr-latn", "sr"}


def search_text_of(article: Article) -> str:
    return search.fold(f"{article.title}\n{strip_tags(article.body)}")


def reindex(article_ids: list[int]) -> None:
    """Refresh the search vectors from the folded text (the whole text to match, the title to rank),
    with each article's language configuration."""
    if connection.vendor != "postgresql":
        return
    languages = Article.objects.filter(pk__in=article_ids).order_by().values_list("language", flat=True).distinct()
    for language in languages:
        config = search.ts_config(language)
        Article.objects.filter(pk__in=article_ids, language=language).update(
            search_vector=SearchVector("search_text", config=Value(config)),
            rank_vector=SearchVector(search.folded_title(), config=Value(config)),
        )


def _clean(fields: dict) -> dict:
    clean = dict(fields)
    if "title" in clean:
        clean["title"] = (clean["title"] or "").strip()
        if not clean["title"]:
            raise DomainError(_("An article needs a title."), field="title")
    if "body" in clean:
        clean["body"] = sanitize_html(clean["body"] or "")
    if "language" in clean and clean["language"] not in LANGUAGE_CODES:
        raise DomainError(_("Unknown language."), field="language")
    if "visibility" in clean and clean["visibility"] not in Visibility.values:
        raise DomainError(_("Visibility is public or internal."), field="visibility")
    return clean


def _check_translation_slot(*, group, language: str, exclude: int | None = None) -> None:
    qs = Article.objects.filter(translation_group=group, language=language)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise DomainError(_("This article already has a translation in that language."), field="language")


@transaction.atomic
def create_article(
    *, by: User, title: str, body: str, language: str = "en", translation_of: Article | None = None, **fields
) -> Article:
    """Leads and above write articles; a translation joins the original's translation group."""
    if not access.is_lead_or_above(by):
        raise DomainError(_("Only leads and managers may write articles."), field="visibility")
    clean = _clean({"title": title, "body": body, "language": language, **fields})
    if translation_of is not None:
        clean["translation_group"] = translation_of.translation_group
        _check_translation_slot(group=translation_of.translation_group, language=clean["language"])
    clean.setdefault("owner", by)
    now = timezone.now()
    article = Article(**clean, created_at=now, updated_at=now)
    if article.published:
        article.published_at = now
    article.search_text = search_text_of(article)
    article.save()
    reindex([article.pk])
    return article


@transaction.atomic
def update_article(*, article: Article, by: User, **fields) -> Article:
    """A change to the text or title of a published article is a new version (it asks for
    "read and understood" again)."""
    if not access.is_lead_or_above(by):
        raise DomainError(_("Only leads and managers may write articles."), field="visibility")
    article = Article.objects.select_for_update().get(pk=article.pk)
    clean = _clean(fields)
    if "language" in clean and clean["language"] != article.language:
        _check_translation_slot(group=article.translation_group, language=clean["language"], exclude=article.pk)
    text_changed = any(k in clean and clean[k] != getattr(article, k) for k in ("title", "body"))
    for key, value in clean.items():
        setattr(article, key, value)
    now = timezone.now()
    if text_changed:
        article.version += 1
    if article.published and article.published_at is None:
        article.published_at = now
    article.updated_at = now
    article.search_text = search_text_of(article)
    article.save()
    reindex([article.pk])
    return article


def record_view(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def record_feedback(*, article: Article, helpful: bool, comment: str = "") -> ArticleFeedback:
    """A reader says whether an article helped, optionally why."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("Please keep the comment under %(n)s characters.") % {"n": COMMENT_MAX}, field="comment")
    return ArticleFeedback.objects.create(article=article, helpful=bool(helpful), comment=comment)


def record_deflection(*, article: Article, source: str) -> Deflection:
    """A suggested article solved the customer's question before they wrote to us."""
    if source not in DeflectionSource.values:
        source = DeflectionSource.HELP
    return Deflection.objects.create(article=article, source=source)


def create_category(*, name: str, slug: str, position: int = 0) -> Category:
    return Category.objects.create(name=name, slug=slug, position=position)


def review_due(today: dt.date | None = None) -> QuerySet[Article]:
    today = today or timezone.localdate()
    return Article.objects.filter(review_by__lte=today)
