"""Rows per language, linked as translations (Wagtail's ``TranslatableMixin``), with one row that counts.

A service (or a seat) exists once per locale so that editors translate it the way they translate pages:
Wagtail's ``locale`` and ``translation_key``. Only its words differ per language, though. Appointments,
reservations, opening hours, the seats a service is offered at and every figure key on one row: the one in
the site's default language (``LANGUAGE_CODE``), called *canonical* here. So one appointment is one
appointment whatever the language of the page it was booked on, and a translation cannot change a duration
or a fee: its other fields follow the canonical row when either is saved.

What the citizen reads comes from :attr:`CanonicalTranslatableMixin.localized`: the translation in the
active language (the citizen's), or the canonical row when there is none.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, TranslatableMixin


def default_language() -> str:
    """The language code of the canonical rows (the site's ``LANGUAGE_CODE``, as a content language)."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def active_content_language() -> str:
    """The active language as a content language (``fr-be`` → ``fr``), or the default one."""
    try:
        return get_supported_content_language_variant(translation.get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return default_language()


def canonical_only() -> models.Q:
    """``limit_choices_to`` for a relation to a translatable model: only the rows that count can be chosen."""
    return models.Q(locale__language_code=default_language())


class CanonicalQuerySet(models.QuerySet):
    def canonical(self):
        """One row per thing: those in the default language (the only ones bookable and counted)."""
        return self.filter(locale__language_code=default_language())

    def localized(self) -> list:
        """The rows, each with its translation in the active language attached: one query for them all."""
        rows = list(self)
        localize(rows)
        return rows


def localize(rows, language: str | None = None) -> None:
    """Attach each row's translation in ``language`` (default: the active one) with one query, so templates
    that read ``row.localized`` over a list cost no query per row."""
    if not rows or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return
    language = language or active_content_language()
    model = type(rows[0])
    found = {
        row.translation_key: row
        for row in model.objects.filter(
            translation_key__in=[row.translation_key for row in rows], locale__language_code=language
        )
    }
    for row in rows:
        row._localized_cache[language] = found.get(row.translation_key, row)


class CanonicalTranslatableMixin(TranslatableMixin):
    """A translatable row whose ``translated_fields`` differ per language and the rest follow the canonical row."""

    #: The fields a translation has its own value for; every other concrete field follows the canonical row.
    translated_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True
        unique_together = [("translation_key", "locale")]

    @property
    def _localized_cache(self) -> dict:
        return self.__dict__.setdefault("_balie_localized", {})

    @property
    def localized(self):
        """The translation in the active language (the citizen's), else this row; cached per language."""
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return self
        language = active_content_language()
        if language not in self._localized_cache:
            found = type(self).objects.filter(translation_key=self.translation_key, locale__language_code=language)
            found = found.first()  # one query (this row itself when it is in that language)
            self._localized_cache[language] = self if found is None or found.pk == self.pk else found
        return self._localized_cache[language]

    @property
    def is_canonical(self) -> bool:
        return self.locale_id is None or self.locale.language_code == default_language()

    def canonical(self):
        """The row that counts (itself, or the default-language row of its translations)."""
        if self.is_canonical:
            return self
        return type(self).objects.filter(translation_key=self.translation_key).canonical().first() or self

    def followed_fields(self) -> list[str]:
        """The concrete fields a translation takes from the canonical row."""
        own = {"id", "translation_key", "locale", *self.translated_fields}
        return [
            field.attname for field in self._meta.concrete_fields if field.name not in own and not field.primary_key
        ]

    def save(self, *args, **kwargs):
        if self.locale_id is None:
            self.locale = Locale.get_default()
        if not self.is_canonical:
            source = self.canonical()
            if source is not self:
                for name in self.followed_fields():
                    setattr(self, name, getattr(source, name))
        super().save(*args, **kwargs)
        if self.is_canonical and self.translation_key:
            others = type(self).objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)
            others.update(**{name: getattr(self, name) for name in self.followed_fields()})


__all__ = ["CanonicalQuerySet", "CanonicalTranslatableMixin", "canonical_only", "localize"]
