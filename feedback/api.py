"""`/api/surveys/`: leads and managers read every survey they may see (agents get 403)."""

from __future__ import annotations

import django_filters
from rest_framework import generics, permissions, serializers

from feedback import access
from feedback.models import LOW_RATINGS, Survey, SurveyStatus
from tickets.filters import BooleanFilter, MomentFilter


class CanListSurveys(permissions.BasePermission):
    message = "Only team leads and managers may list surveys."

    def has_permission(self, request, view) -> bool:
        return access.can_list_surveys(request.user)


class SurveySerializer(serializers.ModelSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    ticket_subject = serializers.CharField(source="ticket.subject", read_only=True)
    agent_name = serializers.SerializerMethodField()
    customer_email = serializers.EmailField(source="customer.email", read_only=True)
    satisfied = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "ticket",
            "ticket_reference",
            "ticket_subject",
            "customer",
            "customer_email",
            "agent",
            "agent_name",
            "queue",
            "department",
            "language",
            "status",
            "solved_at",
            "due_at",
            "sent_at",
            "reminder_sent_at",
            "expires_at",
            "answered_at",
            "rating",
            "satisfied",
            "low_reason",
            "comment",
        ]
        read_only_fields = fields

    def get_agent_name(self, survey: Survey) -> str:
        agent = survey.agent
        return (agent.get_full_name() or agent.get_username()) if agent else ""


class SurveyFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SurveyStatus.choices)
    rating = django_filters.NumberFilter(min_value=1, max_value=5)
    low = BooleanFilter(method="filter_low", label="Rating 1 or 2")
    answered = BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)
    since = MomentFilter(field_name="sent_at", lookup_expr="gte")
    until = MomentFilter(field_name="sent_at", lookup_expr="lt")
    ordering = django_filters.OrderingFilter(fields=("solved_at", "sent_at", "answered_at", "rating"))

    class Meta:
        model = Survey
        fields = ["status", "agent", "queue", "department", "ticket", "rating", "language"]

    def filter_low(self, queryset, name, value):
        return queryset.filter(rating__in=LOW_RATINGS) if value else queryset.exclude(rating__in=LOW_RATINGS)


class SurveyListView(generics.ListAPIView):
    """Every survey the caller may see: ticket, agent, sent and answered times, rating, comment."""

    serializer_class = SurveySerializer
    permission_classes = [permissions.IsAuthenticated, CanListSurveys]
    filterset_class = SurveyFilter

    def get_queryset(self):
        return access.surveys_visible_to(self.request.user)
