"""Forms of the workbench and the public contact form. They parse input; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpdesk import refdata
from helpdesk.ids import is_id
from tickets import ordering, selectors
from tickets.models import TRANSITIONS, Macro, Priority, Queue, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against the attachment limits before anything is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def check_upload(upload) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise forms.ValidationError(_("The attachment “%(name)s” is empty."), params={"name": upload.name})
    if upload.size > limit:
        raise forms.ValidationError(
            _("The attachment “%(name)s” is larger than the limit of %(mb)s MB."),
            params={"name": upload.name, "mb": limit // (1024 * 1024)},
        )


def read_uploads(uploads) -> list[tuple[str, bytes, str]]:
    return [(f.name, f.read(), f.content_type or "") for f in uploads]


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(choices=list(selectors.INBOX_VIEWS.items()), required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Subject, text, customer or LAT-…")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices])
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )
    queue = forms.TypedChoiceField(label=_("Queue"), required=False, coerce=int, empty_value=None)
    # Plain text fields behind a select: validating them needs no query, rendering fetches the options.
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=20, widget=forms.Select)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50, widget=forms.Select)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=ordering.inbox_choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["queue"].choices = self._queue_choices
        for name, field in self.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)
        # Callables are evaluated only when the select is rendered.
        self.fields["assignee"].widget.choices = self._assignee_choices
        self.fields["tag"].widget.choices = self._tag_choices
        # Custom fields as filters (field.<key>): choices and checkboxes as selects, the rest as text.
        for field in selectors.filterable_fields():
            name = f"field.{field['key']}"
            if field["type"] in ("choice", "checkbox"):
                options = field["choices"] if field["type"] == "choice" else ["true", "false"]
                labels = {"true": _("Yes"), "false": _("No")}
                self.fields[name] = forms.ChoiceField(
                    label=field["label"],
                    required=False,
                    choices=[
                        ("", _("Any")),
                        *((o, labels.get(o, o) if field["type"] == "checkbox" else o) for o in options),
                    ],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=field["label"],
                    required=False,
                    max_length=200,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )

    # The option lists change rarely: they come from the cache (selectors.filter_options), so a warm
    # inbox page spends its queries on tickets only.
    def _queue_choices(self):
        return [("", _("Any queue")), *((str(pk), name) for pk, name in selectors.filter_options(self.user)["queues"])]

    def _assignee_choices(self):
        people = [(str(pk), name) for pk, name in selectors.filter_options(self.user)["people"]]
        return [("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody (unassigned)")), *people]

    def _tag_choices(self):
        return [("", _("Any tag")), *((name, name) for name in selectors.filter_options(self.user)["tags"])]

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee", "")
        return value if value in ("", "me", "none") or is_id(value) else ""

    def filters(self) -> selectors.InboxFilters:
        """The filters to apply; invalid values are ignored rather than refused (a list never errors)."""
        self.is_valid()  # fields with errors are left out of cleaned_data
        data = self.cleaned_data
        return selectors.InboxFilters(
            view=data.get("view") or selectors.default_view(self.user),
            status=data.get("status") or "",
            priority=data.get("priority") or "",
            queue=data.get("queue"),
            assignee=data.get("assignee") or "",
            tag=data.get("tag") or "",
            q=data.get("q") or "",
            sort=data.get("sort") or ordering.INBOX_DEFAULT,
            fields={k[6:]: v for k, v in data.items() if k.startswith("field.") and v not in ("", None)},
        )


class ComposerForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=100_000, strip=True)
    internal = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[("0", _("Public reply")), ("1", _("Internal note"))],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(label=_("Attachments"))
    macro = forms.ModelChoiceField(label=_("Macro"), queryset=Macro.objects.none(), required=False)
    then_status = forms.ChoiceField(label=_("Then set status"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The newest message on the page when the agent wrote (tickets/_composer_seen.html renders it).
    seen = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, ticket, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["macro"].queryset = selectors.macros_for(ticket)
        self.fields["macro"].empty_label = _("No macro")
        refdata.choices(self.fields["macro"], selectors.macro_choices(ticket))
        allowed = TRANSITIONS.get(ticket.status, set())
        self.fields["then_status"].choices = [("", _("Leave as is"))] + [
            (value, label) for value, label in Status.choices if value in allowed and value != Status.CLOSED
        ]
        self.fields["then_status"].widget.attrs["class"] = "form-select form-select-sm"

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        for upload in files:
            check_upload(upload)
        return files


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class QueueForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.all(), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refdata.choices(self.fields["queue"], selectors.queue_choices())


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    assignee = PersonChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.staff_users(user)
        refdata.choices(self.fields["assignee"], selectors.staff_choices(user))


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated."),
    )

    def clean_tags(self):
        names = [n.strip() for n in self.cleaned_data["tags"].split(",") if n.strip()]
        too_long = [n for n in names if len(n) > 50]
        if too_long:
            raise forms.ValidationError(_("A tag has at most 50 characters: “%(tag)s”."), params={"tag": too_long[0]})
        return names


class PropertiesForm(AssignForm, PriorityForm, QueueForm, TagsForm):
    """The side panel's one form: assignee, priority, queue and tags saved together (custom fields beside them)."""


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PublicTicketForm(forms.Form):
    """The public contact form. `website` is a honeypot: hidden from people, filled in by bots."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    queue = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Queue.objects.filter(is_public=True),
        empty_label=_("Choose a topic…"),
        help_text=_("Choose the topic closest to your question, so the right team reads it first."),
        error_messages={"required": _("Choose a topic.")},
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000)
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Custom fields marked public, after the message; validated by type when the ticket is created.
        from tickets.models import FieldType, TicketField

        for field in TicketField.objects.filter(public=True).select_related("queue"):
            name = f"cf_{field.key}"
            if field.type == FieldType.CHECKBOX:
                self.fields[name] = forms.BooleanField(label=field.label, required=False)
            elif field.type == FieldType.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=field.label, required=False, choices=[("", "—"), *((c, c) for c in field.choices)]
                )
            else:
                widget = forms.DateInput(attrs={"type": "date"}) if field.type == FieldType.DATE else forms.TextInput
                self.fields[name] = forms.CharField(label=field.label, required=False, max_length=1000, widget=widget)
            self.fields[name].ticket_field = field
            # The website honeypot stays last.
            self.fields["website"] = self.fields.pop("website")

    def custom_values(self, queue) -> dict:
        """The public fields' values that apply to the chosen queue, for create_ticket(fields=...)."""
        values = {}
        for name, form_field in self.fields.items():
            field = getattr(form_field, "ticket_field", None)
            if field is None or not field.applies_to_queue(queue):
                continue
            value = self.cleaned_data.get(name)
            if value not in (None, "", False) or field.type == "checkbox":
                values[field.key] = value
        return values

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload)
        return upload

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


def _time_zone_choices():
    import zoneinfo

    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PreferencesForm(forms.Form):
    """What each person chooses for themselves: the interface language and the time zone times are shown in."""

    language = forms.ChoiceField(label=_("Interface language"), choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)


class SavedViewForm(forms.Form):
    """Name a view and choose who sees it: only me, or a department I may share with."""

    name = forms.CharField(label=_("Name"), max_length=100)
    department = forms.TypedChoiceField(label=_("Who sees it"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, current=None, **kwargs):
        from tickets.services_views import shareable_departments

        super().__init__(*args, **kwargs)
        self.departments = {d.pk: d for d in shareable_departments(user)}
        if current is not None:
            # A lead editing a view shared with their department keeps it there.
            self.departments.setdefault(current.pk, current)
        self.fields["department"].choices = [("", _("Only me"))] + [
            (pk, _("Shared with %(department)s") % {"department": d.name}) for pk, d in self.departments.items()
        ]
        self.fields["name"].widget.attrs.update({"class": "form-control form-control-sm", "maxlength": 100})
        self.fields["department"].widget.attrs["class"] = "form-select form-select-sm"

    def clean_department(self):
        pk = self.cleaned_data.get("department")
        return self.departments.get(pk) if pk is not None else None
