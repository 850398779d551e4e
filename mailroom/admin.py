"""Admin for mail: templates per queue and language, the quarantine (retry/discard), and logs of mail in and out."""

from django import forms
from django.contrib import admin, messages
from django.template import Engine, Template, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import DomainError
from mailroom import ingest
from mailroom.models import InboundEmail, MailTemplate, OutboundEmail, OutboxMessage, QuarantinedEmail


class MailTemplateForm(forms.ModelForm):
    """Refuses a template that does not compile, naming the error, instead of failing when mail is sent."""

    class Meta:
        model = MailTemplate
        fields = ["kind", "queue", "language", "subject", "body_text", "body_html"]

    def _compiled(self, name: str) -> str:
        source = self.cleaned_data.get(name) or ""
        try:
            Template("{% load i18n %}" + source, engine=Engine.get_default())
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(_("This template has an error: %(error)s") % {"error": exc}) from exc
        return source

    def clean_subject(self):
        return self._compiled("subject")

    def clean_body_text(self):
        return self._compiled("body_text")

    def clean_body_html(self):
        return self._compiled("body_html")


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ("kind", "queue", "language", "subject", "updated_at")
    list_filter = ("kind", "language", "queue")
    fieldsets = (
        (None, {"fields": ("kind", "queue", "language")}),
        (
            _("Content"),
            {
                "fields": ("subject", "body_text", "body_html"),
                "description": _(
                    "Django template syntax. Available: {{ reference }}, {{ subject }}, {{ customer_name }}, "
                    "{{ agent_name }}, {{ body_text }}, {{ body_html|safe }}, {{ queue.name }}, {{ site_url }}."
                ),
            },
        ),
    )


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "from_hint", "subject_hint", "status", "attempts", "error")
    list_filter = ("status", "source")
    search_fields = ("from_hint", "subject_hint", "error")
    readonly_fields = (
        "digest",
        "source",
        "error",
        "subject_hint",
        "from_hint",
        "status",
        "attempts",
        "created_at",
        "resolved_at",
        "resolved_by",
        "inbound",
    )
    exclude = ("raw",)
    actions = ("retry", "discard")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected messages"))
    def retry(self, request, queryset):
        stored = 0
        for item in queryset:
            try:
                stored += ingest.retry_quarantined(item=item, by=request.user).inbound is not None
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d of %(total)d messages stored.") % {"n": stored, "total": queryset.count()})

    @admin.action(description=_("Discard the selected messages"))
    def discard(self, request, queryset):
        for item in queryset:
            try:
                ingest.discard_quarantined(item=item, by=request.user)
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.WARNING)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "from_email", "subject", "status", "ignore_reason", "ticket")
    list_filter = ("status", "source")
    search_fields = ("message_id", "from_email", "subject")
    raw_id_fields = ("ticket", "ticket_message")
    exclude = ("raw",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "raw"]

    def has_add_permission(self, request):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject", "message_id")
    raw_id_fields = ("ticket", "ticket_message")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipients", "subject")
    search_fields = ("recipients", "subject")
