"""How documents appear in the call page, the hand-over page and the clerk's console (JSON-safe)."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import DocumentSource


def document_list(documents, *, viewer: str) -> list[dict]:
    """``viewer`` is ``"citizen"`` or ``"clerk"``: "from you" / "from the clerk" reads from their side."""
    items = []
    for document in documents:
        mine = document.source == viewer
        if document.source == DocumentSource.CLERK:
            source = _("from you") if mine else _("from the clerk")
        else:
            source = _("from you") if mine else _("from the citizen")
        items.append(
            {
                "id": document.pk,
                "name": document.name,
                "size": str(filesizeformat(document.size)),
                "source": str(source),
                "time": timezone.localtime(document.created_at, app_settings.TIME_ZONE).strftime("%H:%M"),
                "url": reverse("digitale_balie:document_download", args=[document.pk]),
            }
        )
    return items
