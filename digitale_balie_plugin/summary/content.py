"""What the citizen's summary says: built once per page or message, in the active language.

Each in-call action describes itself (``ActionType.summary_entry``), so a new action type shows up here without
a change; the conversation's documents, the signed PDF and the follow-up appointment come from their rows.
A switched-off feature leaves its part out: its action kinds are not usable (``action_type``), and without the
documents feature there is no list of documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.actions.registry import SummaryEntry, action_type, detail_relations
from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.models import Appointment, CallSession, CounterSettings, Document, DocumentSource
from digitale_balie_plugin.models.choices import AppointmentStatus


@dataclass(frozen=True)
class DocumentItem:
    """A document of the conversation as the citizen reads it in the summary."""

    pk: int
    name: str
    size: str
    source: str


@dataclass(frozen=True)
class Summary:
    session: CallSession
    municipality: str
    service: str
    day: object
    clerk: str
    entries: list[SummaryEntry] = field(default_factory=list)
    documents: list[DocumentItem] = field(default_factory=list)
    follow_up: Appointment | None = None

    @property
    def document_ids(self) -> set[int]:
        """Every document this summary offers for download (the only ones its link may serve)."""
        offered = {item.pk for item in self.documents}
        return offered | {entry.document.pk for entry in self.entries if entry.document is not None}


def _present(document: Document | None) -> bool:
    return document is not None and document.deleted_at is None and document.expires_at > timezone.now()


def _item(document: Document) -> DocumentItem:
    source = _("from you") if document.source == DocumentSource.CITIZEN else _("from the clerk")
    return DocumentItem(document.pk, document.name, str(filesizeformat(document.size)), str(source))


def entries(session: CallSession) -> list[SummaryEntry]:
    """One entry per in-call action of a usable kind, in the order they were asked."""
    found = []
    for action in session.actions.select_related(*detail_relations()).order_by("created_at", "pk"):
        kind = action_type(action.kind)
        entry = kind.summary_entry(action) if kind is not None else None
        if entry is not None:
            found.append(entry if _present(entry.document) else replace(entry, document=None))
    return found


def documents(session: CallSession, offered_elsewhere: set[int]) -> list[DocumentItem]:
    """The documents exchanged both ways and still kept, except those an entry offers already (the signed PDF)."""
    if not app_settings.feature_on(Feature.DOCUMENTS):
        return []
    kept = session.documents.present().exclude(pk__in=offered_elsewhere).order_by("created_at", "pk")
    return [_item(document) for document in kept]


def build(session: CallSession) -> Summary:
    """The summary of an ended conversation, in the active language."""
    site_settings = CounterSettings.for_site(session.site)
    found = entries(session)
    signed = {entry.document.pk for entry in found if entry.document is not None}
    follow_up = session.follow_up if session.follow_up_id else None
    return Summary(
        session=session,
        municipality=site_settings.display_name(session.site),
        service=session.service.localized.name if session.service_id else "",
        day=timezone.localtime(session.started_at or session.planned_start, app_settings.TIME_ZONE),
        clerk=session.clerk.first_name if session.clerk_id and session.clerk else "",
        entries=found,
        documents=documents(session, signed),
        follow_up=follow_up if follow_up is not None and follow_up.status == AppointmentStatus.BOOKED else None,
    )
