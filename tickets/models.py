"""The workbench's data: departments and queues, people's profiles, customers, tickets and their thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.translated import TranslatedName


class Role(models.TextChoices):
    """Roles are Django groups of these names; permissions hang off the groups."""

    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


class Department(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_departments",
        verbose_name=_("team lead"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
        verbose_name=_("manager"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Queue(TranslatedName):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="queues")
    email_address = models.EmailField(_("e-mail address"), blank=True, help_text=_("Replies are sent from it."))
    is_public = models.BooleanField(_("offered on the web form"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")


class Profile(models.Model):
    """What Latitude knows of a staff user beyond Django's User: department, language, time zone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    language = models.CharField(_("interface language"), max_length=10, choices=settings.LANGUAGES, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    started_on = models.DateField(_("started on"), null=True, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user}"


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


def priority_rank_expression() -> models.Case:
    """low 0 … urgent 3, in SQL (tickets.ordering's `priority_rank`; the urgency index holds the same)."""
    return models.Case(
        *(models.When(priority=p, then=models.Value(rank)) for p, rank in PRIORITY_RANK.items()),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


def sla_due_expression() -> models.Case:
    """The SLA target the ticket must meet next while it waits on us (missing first response or resolution,
    whichever is sooner); null while the clock is paused. tickets.ordering's `sla_due`; the urgency index
    holds the very same expression, so the inbox's default order reads it in order."""
    from django.db.models.functions import Least

    waiting = Q(status__in=["new", "open"])
    no_response = waiting & Q(first_response_at__isnull=True, first_response_due__isnull=False)
    return models.Case(
        models.When(no_response & Q(resolution_due__isnull=False), then=Least("first_response_due", "resolution_due")),
        models.When(no_response, then=models.F("first_response_due")),
        models.When(waiting, then=models.F("resolution_due")),
        default=models.Value(None),
        output_field=models.DateTimeField(),
    )


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# Allowed transitions: reopening a solved ticket is allowed, a closed one is final.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.PENDING, Status.SOLVED},
    Status.OPEN: {Status.PENDING, Status.SOLVED},
    Status.PENDING: {Status.OPEN, Status.SOLVED},
    Status.SOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    PHONE = "phone", _("Phone note")
    INTERNAL = "internal", _("Internal request")


def default_week() -> list:
    """Monday to Friday, 09:00–17:00."""
    return [[["09:00", "17:00"]] for _ in range(5)] + [[], []]


class BusinessCalendar(models.Model):
    """A department's opening hours: SLA clocks count only these minutes (see tickets.business_hours)."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="calendar")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Seven lists (Monday first) of ["HH:MM", "HH:MM"] intervals in the calendar's time zone.
    week = models.JSONField(_("weekly hours"), default=default_week)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"{self.department}"

    def schedule(self):
        from tickets.business_hours import Schedule, parse_week

        holidays = list(self.holidays.all())
        return Schedule(
            timezone=self.timezone,
            week=parse_week(self.week),
            holidays=frozenset(h.date for h in holidays if not h.repeats_yearly),
            yearly_holidays=frozenset((h.date.month, h.date.day) for h in holidays if h.repeats_yearly),
        )


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    repeats_yearly = models.BooleanField(_("every year"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """Targets per priority, in business minutes of the ticket's department (wall-clock without a calendar)."""

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")

    def __str__(self) -> str:
        return self.get_priority_display()


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("queue"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # When the status last changed: time rules ask "pending for N business hours" of it.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    # Subject, customer and message text in one column, kept by the services; PostgreSQL indexes it
    # for full-text search (see migrations), SQLite falls back to LIKE.
    search_document = models.TextField(blank=True, default="")
    # An internal request from another department's ticket (the colleague as internal customer).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="internal_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    blocks_customer = models.BooleanField(default=False)
    # Custom field values by TicketField.key (tickets.services_fields keeps them typed and valid).
    fields = models.JSONField(
        _("custom fields"), default=dict, db_default=models.Value({}, output_field=models.JSONField()), blank=True
    )
    # A merged ticket is closed and points at the ticket its thread joined; a split-off one at its origin.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="split_tickets"
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_tickets", verbose_name=_("followers")
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["queue", "status", "-updated_at"]),
            models.Index(fields=["assignee", "status", "-updated_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["priority", "-updated_at"]),
            models.Index(fields=["-updated_at"]),
            models.Index(
                fields=["resolution_due"],
                condition=Q(status__in=["new", "open", "pending"]),
                name="ticket_open_due_idx",
            ),
            # The inbox's "breaching SLA" view also looks at unanswered tickets' first-response target.
            models.Index(
                fields=["first_response_due"],
                condition=Q(status__in=["new", "open", "pending"], first_response_at__isnull=True),
                name="ticket_open_first_due_idx",
            ),
            models.Index(fields=["-created_at"], name="ticket_created_idx"),
            # Time rules (automations) read only the tickets that have been in a status long enough.
            models.Index(fields=["status", "status_changed_at"], name="ticket_status_since_idx"),
            # Who may see a ticket (tickets.access.visible_tickets) without reading the wide heap rows:
            # the count behind every paginated list becomes an index-only scan.
            models.Index(fields=["queue", "assignee", "requested_by"], name="ticket_visibility_idx"),
            # The inbox's default order, most urgent first (tickets.ordering), on PostgreSQL: `ticket_urgency_idx`,
            # migration 0011_i16 (SQLite cannot hold NULLS LAST in an index).
            # `fields @> {"key": value}` (custom field filters) on PostgreSQL; see migration 0006_i16.
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"LAT-{self.pk:06d}" if self.pk else "LAT-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("From the customer")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True, default="", help_text="Sanitised HTML, when the sender wrote HTML.")
    created_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # E-mail threading: the Message-ID this message was received or sent with.
    email_message_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    cc = models.TextField(blank=True, default="", help_text="Comma-separated addresses copied on this e-mail.")
    # One key per rendered composer: a form submitted twice (double click, back button) posts once.
    client_token = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "client_token"], condition=~Q(client_token=""), name="message_once_per_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket.reference}"

    @property
    def internal(self) -> bool:
        return self.kind == MessageKind.NOTE


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField()
    content_id = models.CharField(max_length=255, blank=True, default="", help_text="For inline images in e-mail.")

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("created")
    STATUS = "status", _("status changed")
    ASSIGNEE = "assignee", _("assignee changed")
    PRIORITY = "priority", _("priority changed")
    QUEUE = "queue", _("queue changed")
    TAGS = "tags", _("tags changed")
    REPLY = "reply", _("replied")
    NOTE = "note", _("added a note")
    CUSTOMER_MESSAGE = "customer_message", _("customer wrote")
    MACRO = "macro", _("applied a macro")
    OFFSCRIPT = "offscript", _("off-script action")
    SURVEY = "survey", _("survey")
    EMAIL = "email", _("e-mail")
    FIELD = "field", _("field changed")
    MERGED = "merged", _("merged")
    SPLIT = "split", _("split")
    CUSTOMER = "customer", _("customer details changed")
    INTERNAL_REQUEST = "internal_request", _("internal request")
    RATING = "rating", _("rated")
    OTHER = "other", _("other")


class TicketEvent(models.Model):
    """The ticket's history: who changed what, when. Written by every service that changes a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    old_value = models.CharField(max_length=255, blank=True, default="")
    new_value = models.CharField(max_length=255, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    # The automation rule (automations.Rule id) that made this change, if a rule made it.
    by_rule = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class Macro(TranslatedName):
    """A canned response. Placeholders: {{ customer_name }}, {{ agent_name }}, {{ ticket_ref }}."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: available to every department."),
    )
    set_status = models.CharField(_("set status"), max_length=10, choices=Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    add_tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("add tags"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    CHECKBOX = "checkbox", _("Checkbox")
    DATE = "date", _("Date")


class TicketField(models.Model):
    """A custom field admins and managers define; its values live in `Ticket.fields[key]`."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required_to_solve = models.BooleanField(_("required to solve"), default=False)
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ticket_fields",
        verbose_name=_("queue"),
        help_text=_("Empty: the field applies to every queue."),
    )
    public = models.BooleanField(_("on the contact form"), default=False)
    # Shown as a column of the inbox's ticket list (admins and managers pick which).
    inbox_column = models.BooleanField(_("column in the inbox"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("ticket field")
        verbose_name_plural = _("ticket fields")

    def __str__(self) -> str:
        return self.label

    def applies_to(self, ticket: Ticket) -> bool:
        return self.queue_id is None or self.queue_id == ticket.queue_id

    def applies_to_queue(self, queue: Queue | None) -> bool:
        return self.queue_id is None or (queue is not None and self.queue_id == queue.pk)


class SavedView(models.Model):
    """An inbox filter combination with a sort, kept by its owner or shared with a department."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("shared with"),
    )
    # The inbox's query string parameters (status, priority, queue, assignee, tag, q, sort, field.<key>).
    query = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["department", "name"], name="savedview_department_idx")]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name
