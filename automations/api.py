"""REST API: /api/automations/ (admins and managers write; agents and leads may only GET) and /api/me/."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from automations import routing, services
from automations.models import Event, Rule
from helpdesk.errors import DomainError
from helpdesk.ids import is_id
from tickets import access
from tickets.filters import BooleanFilter
from tickets.permissions import IsStaffMember


class CanManageRules(IsStaffMember):
    message = "Only admins and managers may change automation rules."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or access.is_manager_or_above(request.user)


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = ["id", "name", "event", "conditions", "actions", "active", "position"]


def _data(request) -> dict:
    data = request.data if isinstance(request.data, dict) else {}
    return {k: data[k] for k in services.RULE_FIELDS if k in data}


class RuleFilter(django_filters.FilterSet):
    event = django_filters.ChoiceFilter(choices=Event.choices)
    active = BooleanFilter()

    class Meta:
        model = Rule
        fields: list[str] = []


class RuleList(APIView):
    permission_classes = [CanManageRules]
    serializer_class = RuleSerializer
    filterset_class = RuleFilter

    @extend_schema(
        operation_id="automations_list",
        responses=inline_serializer(
            "PaginatedRuleList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": RuleSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        rules = DjangoFilterBackend().filter_queryset(request, Rule.objects.order_by("position", "id"), self)
        results = RuleSerializer(rules, many=True).data
        return Response({"count": len(results), "next": None, "previous": None, "results": results})

    def post(self, request):
        rule = services.create_rule(by=request.user, **_data(request))
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetail(APIView):
    permission_classes = [CanManageRules]
    serializer_class = RuleSerializer

    def _rule(self, pk: str) -> Rule:
        rule = Rule.objects.filter(pk=int(pk)).first() if is_id(str(pk)) else None
        if rule is None:
            raise Http404
        return rule

    def get(self, request, pk):
        return Response(RuleSerializer(self._rule(pk)).data)

    def patch(self, request, pk):
        rule = services.update_rule(rule=self._rule(pk), by=request.user, **_data(request))
        return Response(RuleSerializer(rule).data)

    def delete(self, request, pk):
        services.delete_rule(rule=self._rule(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OutOfOfficeSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    deputy = serializers.CharField(help_text="username of the deputy")
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    availability = serializers.ChoiceField(choices=["available", "away"])
    out_of_office = OutOfOfficeSerializer(
        required=False,
        allow_null=True,
        help_text="The running or next planned absence; PATCH an object to plan one, null to end or call off.",
    )


class Me(APIView):
    """The caller's availability for automatic assignment, and their out-of-office with a deputy."""

    permission_classes = [IsStaffMember]
    serializer_class = MeSerializer

    def _body(self, user) -> dict:
        from django.utils import timezone

        from agents.models import Delegation

        period = (
            Delegation.objects.filter(from_user=user, ends_at__gt=timezone.now())
            .select_related("to_user")
            .order_by("starts_at")
            .first()
        )
        return {
            "username": user.get_username(),
            "availability": routing.availability_of(user),
            "out_of_office": None
            if period is None
            else {
                "starts_at": period.starts_at.isoformat(),
                "ends_at": period.ends_at.isoformat(),
                "deputy": period.to_user.get_username(),
                "note": period.note,
            },
        }

    def get(self, request):
        return Response(self._body(request.user))

    def patch(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        if "out_of_office" in data:
            self._out_of_office(request, data["out_of_office"])
        if "availability" in data:
            routing.set_availability(user=request.user, availability=data.get("availability"))
        return Response(self._body(request.user))

    def _out_of_office(self, request, value) -> None:
        from django.contrib.auth import get_user_model
        from rest_framework.exceptions import ValidationError

        if value is None:
            services.cancel_out_of_office(person=request.user, by=request.user)
            return
        serializer = OutOfOfficeSerializer(data=value)
        if not serializer.is_valid():
            raise ValidationError({"out_of_office": serializer.errors})
        values = serializer.validated_data
        deputy = get_user_model().objects.filter(username=values["deputy"], is_active=True).first()
        if deputy is None or not access.is_staff_member(deputy):
            raise ValidationError({"out_of_office.deputy": [f"No active member of staff “{values['deputy']}”."]})
        try:
            services.set_out_of_office(
                person=request.user,
                deputy=deputy,
                starts_at=values["starts_at"],
                ends_at=values["ends_at"],
                note=values.get("note", ""),
                by=request.user,
            )
        except DomainError as exc:
            field = {"to_user": "deputy"}.get(exc.field, exc.field)
            raise ValidationError({f"out_of_office.{field}": [exc.message]}) from exc
