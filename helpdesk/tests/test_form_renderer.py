"""The quick form renderer writes exactly what Django's templates write, for every widget we render."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from helpdesk.form_renderer import QuickRenderer


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'say "hi" & <go>', "class": "a b"}))
    number = forms.DecimalField(required=False)
    email = forms.EmailField(required=False, disabled=True)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(required=False)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), (3, 3), ("x<y", mark_safe("<b>safe</b>"))])
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Ελληνικά", [("el", "Ελληνικά"), ("el2", "Κύπρος")]), ("Latin", [("sr", "Srpski")])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[(str(n), f"option {n}") for n in range(12)], required=False)
    amount = forms.ChoiceField(choices=[(1.5, 1.5), (1000, 1000)], required=False)


def both(form: forms.Form) -> list[tuple[str, str, str]]:
    stock, quick = DjangoTemplates(), QuickRenderer()
    out = []
    for name in form.fields:
        form.renderer = stock
        before = str(form[name])
        form.renderer = quick
        out.append((name, before, str(form[name])))
    return out


@pytest.mark.parametrize("language", ["en", "pt-br", "el", "sr-latn"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": "<script>x</script>",
            "number": "12.5",
            "flag": "on",
            "when": "2026-12-03",
            "at": "2026-12-03 10:00",
            "body": "line one\n<b>two</b> & three",
            "plain": "a",
            "grouped": "el2",
            "many": ["1", "3", "11"],
            "amount": "1.5",
        },
        {"plain": "x<y", "many": [], "body": "", "hidden": '"quoted"', "secret": "s3cret"},
    ],
)
def test_every_kind_of_widget_renders_to_the_same_text(language, data):
    with translation.override(language), timezone.override("Europe/Lisbon"):
        initial = {"at": dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), "number": 1234.5}
        for name, stock, quick in both(Everything(data, initial=initial)):
            assert quick == stock, name


def test_the_settings_use_it_and_an_overridden_template_is_respected(settings, tmp_path):
    assert settings.FORM_RENDERER == "helpdesk.form_renderer.QuickRenderer"
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "select.html").write_text('<select class="ours" name="{{ widget.name }}"></select>')

    class Mine(QuickRenderer):
        @property
        def engine(self):
            from django.template.backends.django import DjangoTemplates as Backend

            return Backend({"APP_DIRS": True, "DIRS": [tmp_path], "NAME": "quick-test", "OPTIONS": {}})

    html = forms.ChoiceField(choices=[("a", "A")]).widget.render("pick", "a", renderer=Mine())
    assert html == '<select class="ours" name="pick"></select>'


def _project_forms():
    """Every Form and ModelForm class defined in the project's own apps."""
    from django.apps import apps

    root = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        if not Path(config.path).resolve().is_relative_to(root):
            continue
        for info in pkgutil.iter_modules([config.path]):
            if info.name.startswith("forms"):
                module = importlib.import_module(f"{config.name}.{info.name}")
                for _name, cls in inspect.getmembers(module, inspect.isclass):
                    if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                        found.append(cls)
    return found


@pytest.mark.django_db
def test_the_projects_own_forms_render_the_same(agent):
    """Each form of ours that can be built with the usual arguments renders alike under both renderers."""
    checked = 0
    for cls in _project_forms():
        for kwargs in ({}, {"user": agent}):
            try:
                form = cls(**kwargs)
                rendered = both(form)
            except Exception:  # noqa: BLE001 - forms that need other arguments are not this test's business
                continue
            for name, stock, quick in rendered:
                assert quick == stock, f"{cls.__module__}.{cls.__name__}.{name}"
            checked += 1
            break
    assert checked >= 10  # the inbox filters, the properties form, composers, rules, …
