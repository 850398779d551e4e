"""The kudos API: GET lists what the caller may see, POST gives kudos (recipient by id or username,
value by slug or id). Domain errors become 400s naming the field."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from helpdesk.ids import is_id
from recognition import access, services
from recognition.models import Kudos, KudosValue, Visibility
from tickets.access import get_ticket_for_user
from tickets.filters import IdFilter, MomentFilter, UserFilter
from tickets.permissions import IsStaffMember

User = get_user_model()


def _ref(data) -> str:
    if isinstance(data, bool) or not isinstance(data, (int, str)):
        raise serializers.ValidationError(_("An id or a name."))
    return str(data).strip()


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "user id or username"})
class RecipientField(serializers.Field):
    def to_internal_value(self, data):
        value = _ref(data)
        lookup = {"pk": int(value)} if is_id(value) else {"username": value}
        user = access.staff_users().filter(**lookup).first()
        if user is None:
            raise serializers.ValidationError(_("Unknown colleague “%(v)s”.") % {"v": value})
        return user

    def to_representation(self, value):
        return value.pk


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "value id or slug"})
class ValueField(serializers.Field):
    def to_internal_value(self, data):
        value = _ref(data)
        lookup = {"pk": int(value)} if is_id(value) else {"slug": value}
        found = KudosValue.objects.filter(**lookup).first()
        if found is None:
            raise serializers.ValidationError(_("Unknown value “%(v)s”.") % {"v": value})
        return found

    def to_representation(self, value):
        return value.slug


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class KudosSerializer(serializers.ModelSerializer):
    giver = PersonSerializer(read_only=True)
    recipient = PersonSerializer(read_only=True)
    value = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    value_name = serializers.CharField(source="value.name", read_only=True, default=None)
    ticket = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    reactions = serializers.IntegerField(source="reaction_count", read_only=True)
    comments = serializers.IntegerField(source="comment_count", read_only=True)

    class Meta:
        model = Kudos
        fields = [
            "id",
            "giver",
            "recipient",
            "message",
            "value",
            "value_name",
            "ticket",
            "visibility",
            "points",
            "source",
            "created_at",
            "reactions",
            "comments",
        ]


class KudosCreateSerializer(serializers.Serializer):
    recipient = RecipientField()
    message = serializers.CharField(max_length=2000)
    ticket = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    value = ValueField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, default=Visibility.EVERYONE)
    points = serializers.IntegerField(required=False, default=0, min_value=0)


class KudosFilter(django_filters.FilterSet):
    recipient = UserFilter(field_name="recipient_id", help_text="The colleague's id or username.")
    giver = UserFilter(field_name="giver_id", help_text="The giver's id or username.")
    value = django_filters.CharFilter(field_name="value__slug", help_text="A value's slug.")
    ticket = IdFilter(field_name="ticket_id", help_text="A ticket's id.")
    since = MomentFilter(field_name="created_at", lookup_expr="gte")
    until = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Kudos
        fields: list[str] = []


class KudosListView(generics.ListCreateAPIView):
    permission_classes = [IsStaffMember]
    serializer_class = KudosSerializer
    filterset_class = KudosFilter

    def get_queryset(self):
        from django.db.models import Count

        return (
            access.visible_kudos(self.request.user)
            .select_related("giver", "recipient", "value")
            .annotate(reaction_count=Count("reactions", distinct=True), comment_count=Count("comments", distinct=True))
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=KudosCreateSerializer, responses={201: KudosSerializer})
    def post(self, request, *args, **kwargs):
        incoming = KudosCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        ticket = None
        if data.get("ticket"):
            try:
                ticket = get_ticket_for_user(request.user, data["ticket"])
            except Http404:
                return Response({"ticket": [_("No such ticket.")]}, status=status.HTTP_400_BAD_REQUEST)
        kudos = services.give_kudos(
            giver=request.user,
            recipient=data["recipient"],
            message=data["message"],
            value=data.get("value"),
            ticket=ticket,
            visibility=data["visibility"],
            points=data.get("points") or 0,
        )
        kudos = self.get_queryset().get(pk=kudos.pk)
        return Response(KudosSerializer(kudos).data, status=status.HTTP_201_CREATED)
