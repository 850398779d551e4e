"""REST API: /api/offscript-actions/ (list, create, approve, reject) and /api/discretion/me/."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.response import Response
from rest_framework.views import APIView

from agents import access, selectors, services
from agents.models import ActionStatus, OffscriptAction
from helpdesk.errors import DomainError
from tickets.access import get_ticket_for_user
from tickets.filters import IdFilter, UserFilter
from tickets.permissions import IsStaffMember


class IsStaff(IsStaffMember):
    message = _lazy("Only support staff may use off-script actions.")


class OffscriptActionSerializer(serializers.ModelSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    agent = serializers.CharField(source="agent.username", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reason_code = serializers.SlugRelatedField(slug_field="code", read_only=True)
    approver = serializers.CharField(source="approver.username", read_only=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)
    limits_exceeded = serializers.ListField(source="over_limits", child=serializers.CharField(), read_only=True)

    class Meta:
        model = OffscriptAction
        fields = [
            "id",
            "ticket",
            "ticket_reference",
            "agent",
            "kind",
            "amount",
            "currency",
            "reason_code",
            "reason",
            "customer_note",
            "status",
            "created_at",
            "approval_level",
            "approver",
            "limits_exceeded",
            "decided_by",
            "decided_at",
            "decision_note",
            "limits_snapshot",
            "resubmission_of",
        ]
        read_only_fields = fields


class RecordActionSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    kind = serializers.CharField(help_text="The kind's slug (e.g. refund) or id.")
    # A string or a JSON number; the service judges it (Decimal, two places, positive, below 10^9).
    amount = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None)
    reason = serializers.CharField(allow_blank=True, max_length=2000)
    reason_code = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    customer_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    resubmission_of = serializers.IntegerField(required=False, allow_null=True, default=None)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class OffscriptActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    kind = django_filters.CharFilter(field_name="kind__slug", help_text="A kind's slug, e.g. refund.")
    ticket = IdFilter(field_name="ticket_id", help_text="A ticket's id.")
    agent = UserFilter(field_name="agent_id", help_text="The requesting agent's id or username.")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", help_text="YYYY-MM-DD")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", help_text="YYYY-MM-DD")

    class Meta:
        model = OffscriptAction
        fields: list[str] = []


class OffscriptActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Agents see their own actions, leads their department's, managers every one."""

    permission_classes = [IsStaff]
    serializer_class = OffscriptActionSerializer
    filterset_class = OffscriptActionFilter
    # A non-numeric (or Unicode-digit, or overlong) id names nothing: 404 from the URL, never a 500.
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, only the model's types
            return OffscriptAction.objects.none()
        return selectors.actions_with_relations(selectors.visible_actions(self.request.user)).order_by(
            "-created_at", "-id"
        )

    def get_object(self):
        return access.get_action_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=RecordActionSerializer, responses={201: OffscriptActionSerializer})
    def create(self, request, *args, **kwargs):
        data = RecordActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            ticket = get_ticket_for_user(request.user, values["ticket"])
        except Http404:
            raise DomainError(_("No such ticket."), field="ticket") from None
        previous = None
        if values["resubmission_of"]:
            try:
                previous = access.get_action_for_user(request.user, values["resubmission_of"])
            except Http404:
                raise DomainError(_("No such request."), field="resubmission_of") from None
        action = services.record_offscript_action(
            ticket=ticket,
            by=request.user,
            kind=values["kind"],
            amount=values["amount"],
            reason=values["reason"],
            reason_code=values["reason_code"],
            customer_note=values["customer_note"],
            resubmission_of=previous,
        )
        action = selectors.actions_with_relations(OffscriptAction.objects.filter(pk=action.pk)).get()
        return Response(OffscriptActionSerializer(action).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, service):
        action = self.get_object()
        note = DecisionSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        service(action=action, by=request.user, note=note.validated_data["note"])
        action = selectors.actions_with_relations(OffscriptAction.objects.filter(pk=action.pk)).get()
        return Response(OffscriptActionSerializer(action).data)

    @extend_schema(request=DecisionSerializer, responses={200: OffscriptActionSerializer})
    @drf_action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.approve_offscript_action)

    @extend_schema(request=DecisionSerializer, responses={200: OffscriptActionSerializer})
    @drf_action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.reject_offscript_action)


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class DiscretionMeView(APIView):
    """The caller's limits and what is left of each, per kind, this period (a calendar month)."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: dict})
    def get(self, request):
        summary = selectors.discretion_summary(request.user)
        start = summary[0]["period_start"] if summary else selectors.period_bounds()[0]
        end = summary[0]["period_end"] if summary else selectors.period_bounds()[1]
        return Response(
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "kinds": [
                    {
                        "kind": row["kind"].slug,
                        "name": row["kind"].name,
                        "has_amount": row["kind"].has_amount,
                        "currency": row["kind"].currency if row["kind"].has_amount else "",
                        "per_action_limit": _money(row["limits"].per_action_limit),
                        "period_budget": _money(row["limits"].period_budget),
                        "customer_budget": _money(row["limits"].customer_budget),
                        "manager_threshold": _money(row["limits"].manager_threshold),
                        "hard_ceiling": _money(row["limits"].hard_ceiling),
                        "used": _money(row["used"]),
                        "pending": _money(row["pending"]),
                        "left": _money(row["left"]),
                        "policy": row["limits"].policy_name or None,
                        "policy_version": row["limits"].policy_version,
                    }
                    for row in summary
                ],
            }
        )
