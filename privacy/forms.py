from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label=_("Type the customer's e-mail address to confirm"), max_length=254, strip=True
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_confirm_email(self) -> str:
        value = self.cleaned_data["confirm_email"]
        if value.lower() != self.customer.email.lower():
            raise forms.ValidationError(_("That is not this customer's address."))
        return value
