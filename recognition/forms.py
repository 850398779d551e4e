from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from recognition import access, selectors
from recognition.models import AnnouncementKind, Answer, KudosValue, ReactionKind, Tone, Visibility
from tickets.models import Priority, Queue

User = get_user_model()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class KudosForm(forms.Form):
    recipient = UserChoiceField(queryset=User.objects.none(), label=_("Colleague"))
    value = forms.ModelChoiceField(
        queryset=KudosValue.objects.filter(active=True), required=False, label=_("Value"), empty_label=_("—")
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.EVERYONE)
    ticket = forms.IntegerField(
        label=_("Ticket number (optional)"), required=False, min_value=1, help_text=_("e.g. 42 for LAT-000042")
    )
    points = forms.IntegerField(label=_("Points"), required=False, min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (
            access.staff_users().exclude(pk=user.pk).order_by("first_name", "last_name", "username")
        )
        if selectors.monthly_allowance() <= 0:
            del self.fields["points"]


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=1000, widget=forms.TextInput())


class CelebrationForm(forms.Form):
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    celebrate_birthday = forms.BooleanField(label=_("Celebrate my birthday in the feed"), required=False)


class InternalRequestForm(forms.Form):
    queue = forms.ModelChoiceField(queryset=Queue.objects.none(), label=_("Department and queue"))
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("What do you need?"), widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    blocks_customer = forms.BooleanField(label=_("The customer is waiting on this"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tickets.access import department_id_of

        self.fields["queue"].queryset = (
            Queue.objects.select_related("department")
            .exclude(department_id=department_id_of(user))
            .order_by("department__name", "name")
        )
        self.fields["queue"].label_from_instance = lambda q: f"{q.department.name} — {q.name}"


class InternalRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well were you served?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PrepareReviewsForm(forms.Form):
    quarter = forms.RegexField(regex=r"^\d{4}[Qq][1-4]$", label=_("Quarter"), help_text=_("e.g. 2026Q3"))


class ReflectionForm(forms.Form):
    impact = forms.CharField(
        label=_("How did your work affect our customers' satisfaction this quarter?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proud = forms.CharField(label=_("An example you are proud of?"), widget=forms.Textarea(attrs={"rows": 3}))
    better = forms.CharField(label=_("What would help you serve better?"), widget=forms.Textarea(attrs={"rows": 3}))


class LeadPartForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))
    goals = forms.CharField(label=_("Goals for next quarter"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerPartForm(forms.Form):
    part = forms.ChoiceField(choices=[("figures", "figures"), ("notes", "notes"), ("goals", "goals")])
    answer = forms.ChoiceField(choices=Answer.choices, widget=forms.RadioSelect, label=_("Your answer"))
    comment = forms.CharField(
        label=_("Comment (required to dispute)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("Simple HTML is allowed.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AnnouncementKind.choices)
    tone = forms.ChoiceField(label=_("Tone"), choices=Tone.choices, initial=Tone.NEUTRAL)
    requires_ack = forms.BooleanField(label=_("Everyone must acknowledge it"), required=False)
