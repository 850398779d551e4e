from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.CharField(label=_("Kind"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    since = forms.DateField(label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
