"""Names that admins type (queues and public topics, macros, off-script kinds and reason codes, kudos values),
in every language: the English name stays in its own column, the others in a small JSON map beside it
(`translations = {"el": "Χρεώσεις", "pt": "Faturação"}`), read in the viewer's language with a fallback.

Chosen over a translation library that rewrites queries by the active language: lookups, orderings and
the stored history keep working on the English name, and one migration per app adds one column.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Where a language without its own name looks next, before English.
FALLBACKS = {"pt-br": ("pt",), "pt": ("pt-br",), "sr": ("sr-latn",)}


def validate_translations(value) -> None:
    codes = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(_('Translations are an object of language: name, e.g. {"el": "…"}.'))
    unknown = sorted(set(value) - codes)
    if unknown:
        raise ValidationError(
            _("Unknown language “%(code)s”; use one of %(codes)s.") % {"code": unknown[0], "codes": ", ".join(codes)}
        )


def translations_field() -> models.JSONField:
    return models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_(
            'The name in other languages, e.g. {"el": "Χρεώσεις", "pt": "Faturação"}; English is the name above.'
        ),
    )


def localized(obj, field: str = "name", language: str | None = None) -> str:
    """The object's `field` in `language` (default: the active one), else a close language, else English."""
    names = getattr(obj, "translations", None) or {}
    base = getattr(obj, field)
    language = (language or translation.get_language() or "en").lower()
    for code in (language, *FALLBACKS.get(language, ())):
        text = (names.get(code) or "").strip()
        if text:
            if language == "sr" and code == "sr-latn":
                from helpdesk.sr_cyrillic import translit_plain

                return translit_plain(text)
            return text
    return base


class TranslatedName(models.Model):
    """A model whose `NAME_FIELD` is shown in the viewer's language: `str(obj)` and `obj.localized_name`."""

    NAME_FIELD = "name"
    translations = translations_field()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self, self.NAME_FIELD)
