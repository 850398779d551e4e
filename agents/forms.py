from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from agents import selectors
from agents.models import ActionStatus, OffscriptKind, ReasonCode
from helpdesk import refdata


class RecordActionForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=OffscriptKind.objects.filter(active=True), empty_label=None)
    # Text, not a number field: the service is the one place that judges amounts (places, range, NaN).
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Leave empty for a policy exception."),
    )
    reason_code = forms.ModelChoiceField(
        label=_("Reason code"),
        queryset=ReasonCode.objects.filter(active=True).select_related("kind"),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    customer_note = forms.CharField(
        label=_("Note to the customer"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].label_from_instance = lambda rc: f"{rc.kind}: {rc}"
        # Rendering costs no query: the options come from the cache; a submitted value is still
        # checked against the querysets above.
        self.kind_options = [(k.pk, str(k)) for k in selectors.active_kinds()]
        self.reason_code_options = selectors.reason_code_choices()
        refdata.choices(self.fields["kind"], self.kind_options)
        refdata.choices(self.fields["reason_code"], self.reason_code_options)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DelegationForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Decide in my place"),
        queryset=get_user_model()
        .objects.filter(is_active=True, groups__name__in=["agent", "lead", "manager", "admin"])
        .distinct()
        .order_by("username"),
    )
    starts_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AuditFilterForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=get_user_model().objects.filter(offscript_actions__isnull=False).distinct().order_by("username"),
        required=False,
    )
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=OffscriptKind.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + ActionStatus.choices, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
