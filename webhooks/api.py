"""`/api/webhooks/` (contract: "Webhooks"): managers and admins; the secret is shown once, on create."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.filters import BooleanFilter, MomentFilter
from tickets.permissions import IsManagerOrAbove
from webhooks import access, services
from webhooks.models import Attempt, Delivery, DeliveryStatus, EventType, Webhook

ATTEMPTS_SHOWN = 10


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False)
    url = serializers.CharField(max_length=1000)

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "description", "active", "consecutive_failures", "disabled_at", "created_at"]
        read_only_fields = ["id", "consecutive_failures", "disabled_at", "created_at"]


class CreatedWebhookSerializer(WebhookSerializer):
    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = [
            "number",
            "started_at",
            "duration_ms",
            "status_code",
            "ok",
            "error",
            "redelivery",
            "request_excerpt",
            "response_excerpt",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "last_status_code",
            "attempt_log",
        ]

    def get_attempt_log(self, delivery) -> list[dict]:
        return AttemptSerializer(delivery.attempt_log.all()[:ATTEMPTS_SHOWN], many=True).data


class WebhookFilter(django_filters.FilterSet):
    active = BooleanFilter()

    class Meta:
        model = Webhook
        fields: list[str] = []


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event = django_filters.ChoiceFilter(choices=EventType.choices)
    since = MomentFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Delivery
        fields: list[str] = []


class WebhookListView(generics.ListCreateAPIView):
    permission_classes = [IsManagerOrAbove]
    serializer_class = WebhookSerializer
    filterset_class = WebhookFilter
    queryset = Webhook.objects.order_by("id")

    @extend_schema(request=WebhookSerializer, responses={201: CreatedWebhookSerializer})
    def post(self, request, *args, **kwargs):
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = services.create_webhook(
            by=request.user,
            url=serializer.validated_data["url"],
            events=serializer.validated_data["events"],
            description=serializer.validated_data.get("description", ""),
        )
        return Response(CreatedWebhookSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    permission_classes = [IsManagerOrAbove]
    serializer_class = WebhookSerializer

    def get(self, request, pk):
        return Response(WebhookSerializer(access.get_webhook_for_user(request.user, pk)).data)

    @extend_schema(request=WebhookSerializer, responses=WebhookSerializer)
    def patch(self, request, pk):
        webhook = access.get_webhook_for_user(request.user, pk)
        serializer = WebhookSerializer(webhook, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        webhook = services.update_webhook(webhook=webhook, by=request.user, changes=serializer.validated_data)
        return Response(WebhookSerializer(webhook).data)

    def delete(self, request, pk):
        services.delete_webhook(webhook=access.get_webhook_for_user(request.user, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(generics.ListAPIView):
    """Every delivery of the webhook, newest first, each with its latest attempts (request and response excerpts)."""

    permission_classes = [IsManagerOrAbove]
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        webhook = access.get_webhook_for_user(self.request.user, self.kwargs["pk"])
        return Delivery.objects.filter(webhook=webhook).prefetch_related(
            Prefetch("attempt_log", queryset=Attempt.objects.order_by("-started_at", "-id"))
        )


class RedeliverView(APIView):
    permission_classes = [IsManagerOrAbove]
    serializer_class = DeliverySerializer

    @extend_schema(request=None, responses=DeliverySerializer)
    def post(self, request, pk, delivery_id):
        webhook = access.get_webhook_for_user(request.user, pk)
        delivery = access.get_delivery_for_user(request.user, webhook, delivery_id)
        delivery = services.redeliver(delivery=delivery, by=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
