from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import EventType


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=1000)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
