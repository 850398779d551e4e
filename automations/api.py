"""REST API: /api/automations/ (admins and managers write; agents and leads may only GET) and /api/me/."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from automations import routing, services
from automations.models import Rule
from helpdesk.ids import is_id
from tickets import access
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


class RuleList(APIView):
    permission_classes = [CanManageRules]
    serializer_class = RuleSerializer

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
        rules = Rule.objects.order_by("position", "id")
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


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    availability = serializers.ChoiceField(choices=["available", "away"])


class Me(APIView):
    """The caller's availability for automatic assignment."""

    permission_classes = [IsStaffMember]
    serializer_class = MeSerializer

    def _body(self, user) -> dict:
        return {"username": user.get_username(), "availability": routing.availability_of(user)}

    def get(self, request):
        return Response(self._body(request.user))

    def patch(self, request):
        if "availability" in request.data:
            routing.set_availability(user=request.user, availability=request.data.get("availability"))
        return Response(self._body(request.user))
