"""`/api/kb/articles/`: anyone reads published public articles, staff read all; leads and above write.
`/api/kb/suggest/?q=&language=`: matching public articles, for deflection while a customer types."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from kb import selectors, services
from kb.models import Article, Category, Visibility
from tickets import access
from tickets.filters import BooleanFilter
from tickets.models import Department


class KbPermission(BasePermission):
    """Reading is open to anyone (what they see is filtered); writing is for leads and above."""

    message = "Only leads and managers may write articles."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and access.is_lead_or_above(request.user))


class ArticleSerializer(serializers.ModelSerializer):
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    translation_of = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.all(), write_only=True, required=False, allow_null=True
    )
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    ack_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="Internal articles: the department that must confirm “read and understood” (each version).",
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "body",
            "language",
            "visibility",
            "published",
            "category",
            "translation_group",
            "translation_of",
            "owner",
            "review_by",
            "ack_department",
            "version",
            "url",
            "updated_at",
        ]
        read_only_fields = ["translation_group", "version", "updated_at"]

    def get_url(self, article: Article) -> str:
        return f"{settings.SITE_URL}{reverse('kb:article', args=[article.pk])}"


class ArticleFilter(django_filters.FilterSet):
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)
    published = BooleanFilter()
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all())
    q = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words to search for, in `language` (default: yours)."
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        language = self.form.cleaned_data.get("language") or translation.get_language()
        return selectors.search_articles(queryset, value, language=language)


class ArticleList(generics.ListCreateAPIView):
    serializer_class = ArticleSerializer
    permission_classes = [KbPermission]
    throttle_classes = [AnonRateThrottle]
    filterset_class = ArticleFilter

    def get_queryset(self):
        return selectors.visible_articles(self.request.user).select_related("owner").order_by("id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_article(by=self.request.user, **data)


class ArticleDetail(generics.RetrieveUpdateAPIView):
    serializer_class = ArticleSerializer
    permission_classes = [KbPermission]
    throttle_classes = [AnonRateThrottle]

    def get_queryset(self):
        return selectors.visible_articles(self.request.user).select_related("owner")

    def get_object(self):
        pk = self.kwargs["pk"]
        return get_object_or_404(self.get_queryset(), pk=pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("translation_of", None)
        serializer.instance = services.update_article(article=serializer.instance, by=self.request.user, **data)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()
    url = serializers.CharField()


class Suggest(APIView):
    permission_classes = [KbPermission]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("language", str)],
        responses=inline_serializer("SuggestionList", {"results": SuggestionSerializer(many=True)}),
    )
    def get(self, request):
        q = request.query_params.get("q", "")[:200]
        language = request.query_params.get("language") or translation.get_language()
        results = [
            {
                "id": a.pk,
                "title": a.title,
                "language": a.language,
                "url": reverse("kb:article", args=[a.pk]),
            }
            for a in selectors.suggestions(q, language=language)
        ]
        return Response({"results": results})
