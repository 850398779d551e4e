"""The ticket REST API: parse with a serializer, fetch-and-check with tickets.access, write with one
service per verb (tickets.services), answer with the ticket's representation.

Domain errors raised by the services become 400s naming the field (helpdesk.api.exception_handler).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from helpdesk.ids import is_id
from tickets import access, services
from tickets.filters import MessageFilter, TicketFilter
from tickets.models import Attachment, Channel, Message, Priority, Queue, Status, Ticket
from tickets.permissions import IsStaffMember
from tickets.services_fields import set_field_values

# A ticket is "near breach" when less than this share of its target window is left.
NEAR_BREACH_SHARE = 0.25


class SlaState:
    NONE = "none"
    OK = "ok"
    NEAR_BREACH = "near_breach"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"

    ALL = (NONE, OK, NEAR_BREACH, BREACHED, MET, MISSED)


def sla_state(ticket: Ticket, now: dt.datetime | None = None) -> str:
    """Where the ticket stands against its SLA: the first-response target until someone answered,
    then the resolution target; once solved, whether it was met."""
    now = now or timezone.now()
    if not ticket.is_open:
        due, done = ticket.resolution_due, ticket.solved_at or ticket.closed_at
        if due is None:
            return SlaState.NONE
        return SlaState.MET if done is not None and done <= due else SlaState.MISSED
    due = ticket.first_response_due if ticket.first_response_at is None else ticket.resolution_due
    if due is None:
        return SlaState.NONE
    if due <= now:
        return SlaState.BREACHED
    window = (due - ticket.created_at).total_seconds()
    if window <= 0 or (due - now).total_seconds() <= window * NEAR_BREACH_SHARE:
        return SlaState.NEAR_BREACH
    return SlaState.OK


# --- references by id or name -------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "id or slug"})
class QueueRefField(serializers.Field):
    default_error_messages = {"unknown": _("Unknown queue “{value}”."), "invalid": _("A queue id or slug.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        value = str(data).strip()
        lookup = {"pk": int(value)} if is_id(value) else {"slug": value}
        queue = Queue.objects.filter(**lookup).first()
        if queue is None:
            self.fail("unknown", value=value)
        return queue

    def to_representation(self, value):
        return value.slug


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True, "description": "id or username"}
)
class StaffRefField(serializers.Field):
    default_error_messages = {
        "unknown": _("Unknown user “{value}”."),
        "not_staff": _("“{value}” is not a member of the support staff."),
        "invalid": _("A user id or username, or null."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        value = str(data).strip()
        User = get_user_model()
        lookup = {"pk": int(value)} if is_id(value) else {User.USERNAME_FIELD: value}
        user = User.objects.filter(**lookup).first()
        if user is None:
            self.fail("unknown", value=value)
        if not access.is_staff_member(user):
            self.fail("not_staff", value=value)
        return user

    def to_representation(self, value):
        return value.get_username() if value else None


# --- representations ----------------------------------------------------------------------------


class QueueSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Queue
        fields = ["id", "slug", "name"]


class CustomerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    language = serializers.CharField()


class TicketSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    queue = QueueSummarySerializer(read_only=True)
    assignee = serializers.SerializerMethodField()
    customer = CustomerSummarySerializer(read_only=True)
    tags = serializers.SerializerMethodField()
    sla_state = serializers.SerializerMethodField(
        help_text="none, ok, near_breach, breached; met or missed once solved"
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "subject",
            "status",
            "priority",
            "queue",
            "assignee",
            "customer",
            "channel",
            "language",
            "tags",
            "created_at",
            "updated_at",
            "first_response_at",
            "first_response_due",
            "resolution_due",
            "solved_at",
            "sla_state",
            "fields",
            "merged_into",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "username"})
    def get_assignee(self, ticket: Ticket) -> str | None:
        return ticket.assignee.get_username() if ticket.assignee_id else None

    def get_tags(self, ticket: Ticket) -> list[str]:
        # Sorted in Python: the list view prefetches the tags once for the whole page.
        return sorted(tag.name for tag in ticket.tags.all())

    @extend_schema_field(serializers.ChoiceField(choices=SlaState.ALL))
    def get_sla_state(self, ticket: Ticket) -> str:
        return sla_state(ticket, self.context.get("now"))

    def to_representation(self, ticket: Ticket) -> dict:
        # Built directly rather than field by field: the list is the API's hot path, and DRF's
        # generic per-field machinery cost more than the queries (see bench/workbench.py).
        # The declared fields above remain the schema; test_api_tickets checks both agree.
        queue, customer = ticket.queue, ticket.customer
        return {
            "id": ticket.pk,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "queue": {"id": queue.pk, "slug": queue.slug, "name": queue.name},
            "assignee": self.get_assignee(ticket),
            "customer": {
                "id": customer.pk,
                "name": customer.name,
                "email": customer.email,
                "language": customer.language,
            },
            "channel": ticket.channel,
            "language": ticket.language,
            "tags": self.get_tags(ticket),
            "created_at": _datetime(ticket.created_at),
            "updated_at": _datetime(ticket.updated_at),
            "first_response_at": _datetime(ticket.first_response_at),
            "first_response_due": _datetime(ticket.first_response_due),
            "resolution_due": _datetime(ticket.resolution_due),
            "solved_at": _datetime(ticket.solved_at),
            "sla_state": self.get_sla_state(ticket),
            "fields": ticket.fields or {},
            "merged_into": ticket.merged_into_id,
        }


def _datetime(value: dt.datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the active time zone, UTC as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300)
    body = serializers.CharField()
    customer_email = serializers.EmailField()
    customer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    queue = QueueRefField(required=False, help_text="Default: the first public queue.")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    language = serializers.ChoiceField(
        choices=[], required=False, help_text="Default: the customer's language (English for a new customer)."
    )
    fields = serializers.JSONField(required=False, help_text="Custom field values: {key: value}.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["language"].choices = settings.LANGUAGES


class TicketUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    assignee = StaffRefField(required=False, help_text="id or username of a staff member; null to unassign.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    queue = QueueRefField(required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    fields = serializers.JSONField(required=False, help_text="Custom field values: {key: value}; null clears one.")

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
        return attrs


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size"]


class MessageSerializer(serializers.ModelSerializer):
    internal = serializers.BooleanField(read_only=True)
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "internal", "author", "body", "body_html", "channel", "created_at", "attachments"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "username; null for the customer"})
    def get_author(self, message: Message) -> str | None:
        return message.author.get_username() if message.author_id else None


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(default=False, help_text="true: an internal note; false: a public reply.")
    seen = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text="Optional: the id of the newest message the writer has read. A public reply is then refused "
        "(409 naming `seen`) if the customer or another agent wrote after it.",
    )


# --- views --------------------------------------------------------------------------------------


class StaffAPIView(generics.GenericAPIView):
    """Token first among the authenticators, so an anonymous caller gets 401 with WWW-Authenticate."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsStaffMember]


class TicketPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _ticket_list_queryset(user):
    return _with_relations(access.visible_tickets(user)).prefetch_related("tags")


def _with_relations(qs):
    # search_document holds the whole thread's text (up to 100 kB a ticket) for search only:
    # never carried into a representation.
    return qs.select_related("queue", "assignee", "customer").defer("search_document")


@extend_schema_view(
    get=extend_schema(summary="List the tickets you may see", tags=["tickets"]),
    post=extend_schema(
        summary="Open a ticket on a customer's behalf (channel api)",
        request=TicketCreateSerializer,
        responses={201: TicketSerializer},
        tags=["tickets"],
    ),
)
class TicketListView(StaffAPIView, generics.ListCreateAPIView):
    serializer_class = TicketSerializer
    pagination_class = TicketPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = TicketFilter

    def get_queryset(self):
        return _ticket_list_queryset(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def create(self, request, *args, **kwargs):
        form = TicketCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ticket = services.create_ticket(
            subject=data["subject"],
            body=data["body"],
            customer_email=data["customer_email"],
            customer_name=data.get("customer_name", ""),
            queue=data.get("queue"),
            priority=data["priority"],
            language=data.get("language"),
            channel=Channel.API,
            by=request.user,
            fields=data.get("fields"),
        )
        ticket = _with_relations(Ticket.objects).get(pk=ticket.pk)
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One ticket", tags=["tickets"]),
    patch=extend_schema(
        summary="Change status, assignee, priority, queue or tags (all or nothing)",
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer},
        tags=["tickets"],
    ),
)
class TicketDetailView(StaffAPIView, generics.RetrieveUpdateAPIView):
    serializer_class = TicketSerializer
    http_method_names = ["get", "patch", "head", "options"]
    queryset = Ticket.objects.none()  # for the schema; lookups go through tickets.access

    def get_object(self) -> Ticket:
        return access.get_ticket_for_user(self.request.user, self.kwargs["pk"])

    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        form = TicketUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes = form.validated_data
        by = request.user
        # One transaction: a refused step (e.g. an invalid transition) leaves nothing half-saved.
        # Status goes last so that "assign and set pending" works on a new ticket.
        with transaction.atomic():
            if "queue" in changes:
                services.move_to_queue(ticket=ticket, queue=changes["queue"], by=by)
            if "assignee" in changes:
                services.assign_ticket(ticket=ticket, assignee=changes["assignee"], by=by)
            if "priority" in changes:
                services.set_priority(ticket=ticket, priority=changes["priority"], by=by)
            if "tags" in changes:
                services.set_tags(ticket=ticket, names=changes["tags"], by=by)
            if "fields" in changes:
                set_field_values(ticket=ticket, values=changes["fields"], by=by)
            if "status" in changes:
                services.change_status(ticket=ticket, status=changes["status"], by=by)
        ticket = _with_relations(Ticket.objects).get(pk=ticket.pk)
        return Response(self.get_serializer(ticket).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(summary="The ticket's thread, oldest first", tags=["tickets"]),
    post=extend_schema(
        summary="Write a public reply (e-mailed to the customer) or an internal note",
        request=MessageCreateSerializer,
        responses={201: MessageSerializer},
        tags=["tickets"],
    ),
)
class TicketMessagesView(StaffAPIView, generics.ListCreateAPIView):
    serializer_class = MessageSerializer
    pagination_class = TicketPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = MessageFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        ticket = access.get_ticket_for_user(self.request.user, self.kwargs["pk"])
        return (
            Message.objects.filter(ticket=ticket)
            .select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "id")
        )

    def create(self, request, *args, **kwargs):
        ticket = access.get_ticket_for_user(request.user, self.kwargs["pk"])
        form = MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        message = services.add_message(
            ticket=ticket,
            by=request.user,
            body=form.validated_data["body"],
            internal=form.validated_data["internal"],
            seen=form.validated_data.get("seen"),
        )
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


class TokenThrottle(AnonRateThrottle):
    """Password guessing through the token endpoint: anonymous callers get the `anon` rate."""

    scope = "anon"

    def get_ident(self, request):
        from helpdesk.client_ip import client_ip

        return client_ip(request)

    def get_rate(self):
        # Read at call time, not import time, so settings (and tests) can change it.
        from django.conf import settings

        return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope, "60/min")


class TokenView(ObtainAuthToken):
    """POST {username, password} → {"token": "..."}; throttled for anonymous callers."""

    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary="Exchange a username and password for an API token",
        tags=["auth"],
        responses={200: {"type": "object", "properties": {"token": {"type": "string"}}}},
    )
    def post(self, request, *args, **kwargs):
        from helpdesk.lockout import locked_out_response

        username, locked = self.username_or_refusal(request)
        if locked is not None:
            return locked
        response = super().post(request, *args, **kwargs)
        # The failure that reached the limit: refuse it as locked, not as a plain bad password.
        return locked_out_response(request._request, username=username) or response

    @staticmethod
    def username_or_refusal(request) -> tuple[str, Response | None]:
        """The username asked for, and the lockout's answer when it is locked out (a body that is no object: 400)."""
        from helpdesk.lockout import locked_out_response

        data = request.data if hasattr(request.data, "get") else {}
        username = str(data.get("username", ""))[:150]
        locked = locked_out_response(request._request, username=username)
        if locked is None and not hasattr(request.data, "get"):
            raise serializers.ValidationError({"username": [_("Send {username, password} as an object.")]})
        return username, locked
