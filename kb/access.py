"""Fetch-and-check for the knowledge base: an article one may not see does not exist (404)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from kb import selectors
from kb.models import Article


def get_article_for_user(user, pk: int) -> Article:
    return get_object_or_404(selectors.visible_articles(user).select_related("category", "owner"), pk=pk)


def get_public_article(pk: int) -> Article:
    return get_object_or_404(selectors.public_articles(), pk=pk)
