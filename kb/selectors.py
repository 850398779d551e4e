"""Reads of the knowledge base: what a visitor may see, and search per language."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from kb import search
from kb.models import Article, ArticleFeedback, Category, Deflection, Visibility
from tickets import access

SUGGEST_LIMIT = 5
# What a result list shows (title, link, category, "staff only"): never the body or the search columns.
LISTED_FIELDS = ("id", "title", "language", "visibility", "published", "category__name")


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(visibility=Visibility.PUBLIC, published=True)


def visible_articles(user: User) -> QuerySet[Article]:
    """Staff see every article (drafts and internal ones too); everyone else the published public ones."""
    if user is not None and user.is_authenticated and access.is_staff_member(user):
        return Article.objects.all()
    return public_articles()


def search_articles(qs: QuerySet[Article], q: str, *, language: str, any_word: bool = False) -> QuerySet[Article]:
    """Articles in `language` matching every word of `q` (any word with `any_word`; the last word as a
    prefix), best first."""
    qs = qs.filter(language=language)
    if connection.vendor == "postgresql":
        raw = search.prefix_query(q, any_word=any_word)
        if not raw:
            return qs.none()
        query = SearchQuery(raw, search_type="raw", config=search.ts_config(language))
        # Matched on the whole text (GIN), ranked on the title's small vector: titles that match first.
        return (
            qs.filter(search_vector=query)
            .annotate(rank=SearchRank(F("rank_vector"), query))
            .order_by("-rank", "-updated_at", "id")
        )
    words = search.words(q)[:12]
    if not words:
        return qs.none()
    condition = Q()
    for word in words:
        if any_word:
            condition |= Q(search_text__contains=word)
        else:
            condition &= Q(search_text__contains=word)
    return qs.filter(condition).order_by("-updated_at", "id")


def suggestions(q: str, *, language: str, limit: int = SUGGEST_LIMIT) -> list[Article]:
    """Public articles for a customer's half-written message: any of its words, best matches first."""
    found = search_articles(public_articles(), q, language=language, any_word=True)
    return list(found.only("id", "title", "language")[:limit])


def translations(article: Article, qs: QuerySet[Article]) -> QuerySet[Article]:
    return qs.filter(translation_group=article.translation_group).exclude(pk=article.pk).order_by("language")


def translation_in(article: Article, language: str, qs: QuerySet[Article]) -> Article:
    """The article in the reader's language when there is such a translation, else the article itself."""
    if article.language == language:
        return article
    return qs.filter(translation_group=article.translation_group, language=language).first() or article


def categories_with_articles(language: str) -> list[tuple[Category, list[Article]]]:
    articles = public_articles().filter(language=language).select_related("category").order_by("title")
    grouped: dict = {}
    for article in articles[:500]:
        grouped.setdefault(article.category, []).append(article)
    ordered = sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0].position if kv[0] else 0, str(kv[0] or "")))
    return ordered


def report_rows() -> QuerySet[Article]:
    """Per article: views, helpful and unhelpful votes, and "this solved it" counts."""
    return (
        Article.objects.annotate(
            helpful=Count("feedback", filter=Q(feedback__helpful=True), distinct=True),
            unhelpful=Count("feedback", filter=Q(feedback__helpful=False), distinct=True),
            solved=Count("deflections", distinct=True),
        )
        .select_related("owner")
        .order_by("-solved", "-view_count", "title")
    )


def deflection_total() -> int:
    return Deflection.objects.count()


def recent_comments() -> QuerySet[ArticleFeedback]:
    return ArticleFeedback.objects.exclude(comment="").select_related("article").order_by("-created_at", "-id")


# --- "read and understood" (the one mechanism: notices.acks) ---------------------------------------


def _asks_for_ack() -> Q:
    return Q(visibility=Visibility.INTERNAL, published=True, ack_department__isnull=False)


def articles_asking(user: User) -> QuerySet[Article]:
    """Published internal articles that ask this person's department to confirm "read and understood"."""
    department_id = access.department_id_of(user) if access.is_staff_member(user) else None
    if department_id is None:
        return Article.objects.none()
    return Article.objects.filter(_asks_for_ack(), ack_department_id=department_id).order_by("title", "id")


def ack_audience(article: Article) -> QuerySet[User]:
    """Everyone an article asks to confirm it: the active staff of its department."""
    if not (article.visibility == Visibility.INTERNAL and article.published and article.ack_department_id):
        return User.objects.none()
    return User.objects.filter(is_active=True, profile__department_id=article.ack_department_id)


def can_see_confirmations(user: User, article: Article) -> bool:
    """The department's lead, and managers and admins, see who has not confirmed."""
    if access.is_manager_or_above(user):
        return True
    return access.is_lead_or_above(user) and access.department_id_of(user) == article.ack_department_id
