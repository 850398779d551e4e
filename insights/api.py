"""`/api/reports/csat/`: the dashboard's numbers as JSON, computed by the same selectors as the page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.errors import DomainError
from insights import access, operations, periods, selectors


class CanSeeDashboard(permissions.BasePermission):
    message = "Only team leads, managers and admins may read satisfaction reports."

    def has_permission(self, request, view) -> bool:
        return access.can_see_dashboard(request.user)


_ROWS = inline_serializer(
    "CsatRow",
    many=True,
    fields={
        "key": serializers.CharField(allow_null=True),
        "label": serializers.CharField(),
        "sent": serializers.IntegerField(),
        "responses": serializers.IntegerField(),
        "satisfied": serializers.IntegerField(),
        "csat": serializers.FloatField(
            allow_null=True, help_text="100 × satisfied / responses; null without responses"
        ),
        "response_rate": serializers.FloatField(
            allow_null=True, help_text="responses / sent (0..1); null if none sent"
        ),
    },
)


def _report_query(request, groups) -> tuple[str, periods.Period, access.Scope]:
    """The report APIs' shared query string: `group_by` (one of `groups`), `since`, `until`, and who may see what."""
    group_by = request.query_params.get("group_by") or "agent"
    if group_by not in groups:
        raise DomainError(_("Choose one of: %(groups)s.") % {"groups": ", ".join(groups)}, field="group_by")
    since = periods.parse_date(request.query_params.get("since"), field="since")
    until = periods.parse_date(request.query_params.get("until"), field="until")
    return group_by, periods.custom_period(since, until), access.dashboard_scope(request.user)


def _report_response(group_by: str, period: periods.Period, rows) -> Response:
    """The contract's list shape, unpaginated: every row of the grouping at once."""
    return Response(
        {
            "count": len(rows),
            "next": None,
            "previous": None,
            "group_by": group_by,
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "time_zone": str(period.tz),
            "results": [row.as_report() for row in rows],
        }
    )


class CsatReportView(APIView):
    """CSAT per agent, team, queue, or per day/week/month of a period.

    The period is `since`..`until` (ISO dates, inclusive) in the caller's time zone; it holds the
    surveys *sent* in it, and their answers whenever they came. Leads see their team, managers the
    departments they manage, admins everything.
    """

    permission_classes = [permissions.IsAuthenticated, CanSeeDashboard]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_by", OpenApiTypes.STR, enum=list(selectors.API_GROUPS), description="default agent"
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="default: 29 days before `until`"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="default: today"),
        ],
        responses=inline_serializer(
            "CsatReport",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "group_by": serializers.CharField(),
                "since": serializers.DateField(),
                "until": serializers.DateField(),
                "time_zone": serializers.CharField(),
                "results": _ROWS,
            },
        ),
    )
    def get(self, request):
        group_by, period, scope = _report_query(request, selectors.API_GROUPS)
        rows = selectors.breakdown(selectors.cohort(scope, period), group_by, period)
        return _report_response(group_by, period, rows)


_OPS_ROWS = inline_serializer(
    "OperationsRow",
    many=True,
    fields={
        "key": serializers.CharField(allow_null=True),
        "label": serializers.CharField(),
        "created": serializers.IntegerField(),
        "solved": serializers.IntegerField(),
        "reopened": serializers.IntegerField(help_text="solved tickets that had been reopened before this solve"),
        "one_touch": serializers.IntegerField(help_text="solved tickets with exactly one public reply"),
        "first_response_median_minutes": serializers.FloatField(allow_null=True),
        "first_response_p90_minutes": serializers.FloatField(allow_null=True),
        "resolution_median_minutes": serializers.FloatField(allow_null=True),
        "resolution_p90_minutes": serializers.FloatField(allow_null=True),
        "sla_first_response_met": serializers.IntegerField(),
        "sla_first_response_total": serializers.IntegerField(),
        "sla_resolution_met": serializers.IntegerField(),
        "sla_resolution_total": serializers.IntegerField(),
    },
)


class OperationsReportView(APIView):
    """Created, solved, reopened, first response and resolution times and SLA attainment.

    Grouped by agent, team, queue, channel or per day/week/month of `since`..`until` (ISO dates,
    inclusive, in the caller's time zone). A ticket counts by `created_at` for created, first
    response and SLA first response, and by `solved_at` for solved, resolution and SLA resolution.
    Minutes are business minutes of the department's calendar; medians over the tickets that have
    the time, `null` when none. Leads see their team, managers their departments, admins everything.
    """

    permission_classes = [permissions.IsAuthenticated, CanSeeDashboard]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                description="agent (default), team, queue, channel, day, week, month, or field:<key> (a custom field)",
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="default: 29 days before `until`"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="default: today"),
        ],
        responses=inline_serializer(
            "OperationsReport",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "group_by": serializers.CharField(),
                "since": serializers.DateField(),
                "until": serializers.DateField(),
                "time_zone": serializers.CharField(),
                "results": _OPS_ROWS,
            },
        ),
    )
    def get(self, request):
        group_by, period, scope = _report_query(request, operations.GROUPS + operations.field_groups())
        with operations.reading():
            rows = operations.breakdown(scope, period, group_by)
        return _report_response(group_by, period, rows)
