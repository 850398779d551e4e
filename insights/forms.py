"""The report's query string, parsed once for the dashboard, the drill-down list, the CSV and "My feedback"."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from feedback.models import LowReason
from helpdesk.errors import DomainError
from insights import periods
from insights.selectors import OUTCOMES, Filters
from tickets.models import Channel


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=list(periods.PRESETS.items()), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(
        label=_("Trend"), choices=[("", _("Automatic")), *periods.GRANULARITIES.items()], required=False
    )
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    # Drill-down narrowing (links from the dashboard's numbers; the list page shows them as filters).
    agent = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    queue = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    offscript = forms.ChoiceField(
        label=_("Off-script"),
        choices=[("", "—"), ("with", _("With off-script actions")), ("without", _("Without"))],
        required=False,
    )
    kind = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[("", "—")] + [(r, str(r)) for r in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    outcome = forms.ChoiceField(label=_("Answer"), choices=[("", "—"), *OUTCOMES.items()], required=False)
    low_reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *LowReason.choices, ("none", _("No reason given"))], required=False
    )

    def __init__(self, data=None, *, departments=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", _("All my teams")), *((d.id, d.name) for d in departments)]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        since, until = data.get("since"), data.get("until")
        preset = data.get("period") or ("custom" if since or until else periods.DEFAULT_PRESET)
        try:
            if preset == "custom":
                for name in ("since", "until"):
                    if data.get(name):
                        periods.parse_date(data[name].isoformat(), field=name)
                current = periods.custom_period(since, until)
                previous = current.shifted_back()
            else:
                current, previous = periods.preset_period(preset)
        except DomainError as exc:
            self.add_error(exc.field, exc.message)
            return data
        data["period"] = preset
        data["current"], data["previous"] = current, previous
        data["trend_by"] = data.get("granularity") or current.default_granularity()
        return data

    @property
    def current(self) -> periods.Period:
        return self.cleaned_data["current"]

    @property
    def period_is_preset(self) -> bool:
        return self.cleaned_data.get("period", "custom") != "custom"

    @property
    def period_label(self) -> str:
        """What the page calls the period: the preset's name ("This month"), or a custom range's dates."""
        if self.period_is_preset:
            return str(periods.PRESETS[self.cleaned_data["period"]])
        since, until = (date_format(d, "SHORT_DATE_FORMAT") for d in (self.current.since, self.current.until))
        return f"{since} – {until}"

    @property
    def previous(self) -> periods.Period:
        return self.cleaned_data["previous"]

    @property
    def trend_by(self) -> str:
        return self.cleaned_data["trend_by"]

    @property
    def filters(self) -> Filters:
        d = self.cleaned_data
        return Filters(
            agent_id=d.get("agent"),
            department_id=d.get("team"),
            queue_id=d.get("queue"),
            channel=d.get("channel") or "",
            offscript=d.get("offscript") or "",
            kind_id=d.get("kind"),
            rating=d.get("rating"),
            outcome=d.get("outcome") or "",
            low_reason=d.get("low_reason") or "",
        )
