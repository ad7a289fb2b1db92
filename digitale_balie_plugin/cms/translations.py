"""Translating a service or a seat in the admin, as Wagtail translates a page: a copy in another locale, linked.

Only the words are the editor's to translate (``Service.translated_fields``); durations, channels, fees and
the seats stay those of the service in the site's default language (``models.translations``). The screen
lists the site's other locales; choosing one (a POST) makes the translation, or opens it when it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale

from digitale_balie_plugin.models import CounterSeat, Service

#: The translatable models of the package, by model name (the URL names them), with what a translation does
#: not copy (a seat's opening hours stay the original's: the translation holds its public words only).
TRANSLATABLE = {"service": (Service, ()), "counterseat": (CounterSeat, ("availability_rules",))}


def edit_url(instance) -> str:
    meta = instance._meta
    return reverse(f"{meta.app_label}_{meta.model_name}_modeladmin_edit", args=[instance.pk])


@require_http_methods(["GET", "HEAD", "POST"])
def translate(request, model_name: str, pk: int):
    model, not_copied = TRANSLATABLE.get(model_name, (None, ()))
    if model is None or not request.user.has_perm(f"digitale_balie.add_{model_name}"):
        raise PermissionDenied
    source = get_object_or_404(model, pk=pk).canonical()
    existing = {row.locale_id: row for row in model.objects.filter(translation_key=source.translation_key)}
    locales = list(Locale.objects.exclude(pk=source.locale_id).order_by("language_code"))
    if request.method == "POST":
        # Chosen among the few locales in hand: the posted value never reaches a query (PostgreSQL refuses a NUL).
        wanted = request.POST.get("language", "")
        locale = next((locale for locale in locales if locale.language_code == wanted), None)
        if locale is None:
            raise Http404
        translation = existing.get(locale.pk)
        if translation is None:
            translation = source.copy_for_translation(locale, exclude_fields=list(not_copied))
            translation.save()
            messages.success(
                request,
                _("The %(language)s translation is made. Translate its texts and save.")
                % {"language": locale.get_display_name()},
            )
        return redirect(edit_url(translation))
    rows = [
        {"locale": locale, "translation": existing.get(locale.pk), "edit_url": edit_url(existing[locale.pk])}
        if locale.pk in existing
        else {"locale": locale, "translation": None}
        for locale in locales
    ]
    return TemplateResponse(
        request,
        "digitale_balie/admin/translate.html",
        {"source": source, "rows": rows, "source_url": edit_url(source)},
    )
