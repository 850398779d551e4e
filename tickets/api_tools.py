"""The API of the agent's tools: custom field definitions, bulk changes, merge and split."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from tickets import access, services_bulk, services_fields
from tickets.api import QueueRefField, StaffAPIView, StaffRefField, TicketSerializer, _with_relations
from tickets.filters import TicketFieldFilter
from tickets.models import FieldType, Priority, Status, Ticket, TicketField


class TicketFieldSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=50)
    label = serializers.CharField(max_length=100)
    type = serializers.ChoiceField(choices=FieldType.choices)
    choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    required_to_solve = serializers.BooleanField(required=False, default=False)
    queue = QueueRefField(required=False, allow_null=True, default=None)
    public = serializers.BooleanField(required=False, default=False)
    inbox_column = serializers.BooleanField(required=False, default=False)

    def to_representation(self, field: TicketField) -> dict:
        return {
            "key": field.key,
            "label": field.label,
            "type": field.type,
            "choices": field.choices,
            "required_to_solve": field.required_to_solve,
            "queue": field.queue.slug if field.queue_id else None,
            "public": field.public,
            "inbox_column": field.inbox_column,
        }


def _check_manager(request) -> None:
    if not access.is_manager_or_above(request.user):
        raise PermissionDenied(_("Only admins and managers may define custom fields."))


@extend_schema_view(
    get=extend_schema(summary="Custom ticket fields", tags=["ticket fields"]),
    post=extend_schema(summary="Define a custom field (admins, managers)", tags=["ticket fields"]),
)
class TicketFieldListView(StaffAPIView, generics.ListCreateAPIView):
    serializer_class = TicketFieldSerializer
    pagination_class = None
    filterset_class = TicketFieldFilter

    def get_queryset(self):
        return TicketField.objects.select_related("queue")

    def create(self, request, *args, **kwargs):
        _check_manager(request)
        form = TicketFieldSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        field = services_fields.create_ticket_field(by=request.user, **form.validated_data)
        return Response(TicketFieldSerializer(field).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One custom field", tags=["ticket fields"]),
    patch=extend_schema(summary="Change a custom field (admins, managers)", tags=["ticket fields"]),
    delete=extend_schema(summary="Remove a custom field (admins, managers)", tags=["ticket fields"]),
)
class TicketFieldDetailView(StaffAPIView, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = TicketFieldSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]
    queryset = TicketField.objects.none()

    def get_object(self) -> TicketField:
        return get_object_or_404(TicketField.objects.select_related("queue"), key=self.kwargs["key"])

    def partial_update(self, request, *args, **kwargs):
        _check_manager(request)
        field = self.get_object()
        form = TicketFieldSerializer(field, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = {name: form.validated_data[name] for name in form.validated_data if name in request.data}
        field = services_fields.update_ticket_field(field=field, by=request.user, **changes)
        return Response(TicketFieldSerializer(field).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        _check_manager(request)
        services_fields.delete_ticket_field(field=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkChangesSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    assignee = StaffRefField(required=False)
    queue = QueueRefField(required=False)
    add_tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    remove_tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    fields = serializers.DictField(required=False)

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: [_("This cannot be changed in bulk.")] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Choose at least one change."))
        return attrs


class BulkSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=services_bulk.BULK_MAX,
    )
    changes = BulkChangesSerializer()


class BulkView(StaffAPIView):
    @extend_schema(
        summary="Change many tickets at once (each through the same rules as a single change)",
        request=BulkSerializer,
        responses={200: {"type": "object"}},
        tags=["tickets"],
    )
    def post(self, request):
        form = BulkSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        results = services_bulk.bulk_change(
            by=request.user, ids=form.validated_data["ids"], changes=form.validated_data["changes"]
        )
        return Response({"results": [r.as_dict() for r in results]})


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class MergeView(StaffAPIView):
    @extend_schema(
        summary="Merge this ticket into another: its thread joins `into`, it closes with merged_into",
        request=MergeSerializer,
        responses={200: TicketSerializer},
        tags=["tickets"],
    )
    def post(self, request, pk: int):
        ticket = access.get_ticket_for_user(request.user, pk)
        form = MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        into = _visible_or_400(request.user, form.validated_data["into"], "into")
        into = services_bulk.merge_tickets(ticket=ticket, into=into, by=request.user)
        return Response(TicketSerializer(_with_relations(Ticket.objects).get(pk=into.pk)).data)


class SplitSerializer(serializers.Serializer):
    messages = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False
    )
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SplitView(StaffAPIView):
    @extend_schema(
        summary="Move some messages into a new ticket for the same customer",
        request=SplitSerializer,
        responses={201: TicketSerializer},
        tags=["tickets"],
    )
    def post(self, request, pk: int):
        ticket = access.get_ticket_for_user(request.user, pk)
        form = SplitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        new = services_bulk.split_ticket(
            ticket=ticket,
            message_ids=form.validated_data["messages"],
            by=request.user,
            subject=form.validated_data["subject"],
        )
        return Response(
            TicketSerializer(_with_relations(Ticket.objects).get(pk=new.pk)).data, status=status.HTTP_201_CREATED
        )


def _visible_or_400(user, pk: int, field: str) -> Ticket:
    ticket = access.visible_tickets(user).filter(pk=pk).select_related("queue", "customer").first()
    if ticket is None:
        raise serializers.ValidationError({field: [_("No such ticket.")]})
    return ticket
