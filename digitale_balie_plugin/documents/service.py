"""Upload, list, serve, delete and expire documents: validated, scanned, private, audited, live.

Order matters on upload: validate (cheap, no I/O) → scan (the scanner sees exactly the bytes we would
store) → store under a random name → write the row; if anything after storing fails, the file is removed
again, so nothing half-written is left behind.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live
from digitale_balie_plugin.documents.storage import document_storage, new_storage_name
from digitale_balie_plugin.documents.validation import DocumentRefused, check
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.antivirus.registry import get_antivirus_provider
from digitale_balie_plugin.models import CallSession, Document
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.settings import CounterSettings

SCAN_CHUNK = 256 * 1024


class DocumentsClosed(CounterError):
    default_message = _("Documents can no longer be added to this conversation.")


def limits(site) -> tuple[set[str], int]:
    """(allowed extensions, maximum bytes) of a site."""
    settings_ = CounterSettings.for_site(site)
    return settings_.allowed_document_types, settings_.document_max_mb * 1024 * 1024


def upload(session: CallSession, uploaded, *, source: str, user=None, request=None, actor: str = "") -> Document:
    """Store ``uploaded`` (a Django ``UploadedFile``) for ``session``; raises ``DocumentRefused``/``CounterError``."""
    if not session.is_open:
        raise DocumentsClosed()
    allowed, max_bytes = limits(session.site)
    name = getattr(uploaded, "name", "") or ""
    try:
        if uploaded.size > max_bytes:
            raise DocumentRefused(
                _("This file is too large. The limit is %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}, "size"
            )
        checked = check(name, uploaded.read(), allowed)
        verdict = get_antivirus_provider().scan(_chunks(checked.content), name=checked.name)
        if not verdict.clean:
            raise DocumentRefused(_("This file contains a virus or other malware and was not accepted."), "virus")
    except CounterError as exc:
        record(
            "document.refused",
            session,
            user=user,
            actor_label=actor or ("" if user else source),
            site=session.site,
            reason=getattr(exc, "code", "scanner_unavailable"),
        )
        raise
    return _store(session, checked, source=source, user=user, request=request, actor=actor)


def _chunks(content: bytes):
    for start in range(0, len(content), SCAN_CHUNK):
        yield content[start : start + SCAN_CHUNK]


def _store(session, checked, *, source, user, request, actor) -> Document:
    storage = document_storage()
    stored_name = storage.save(new_storage_name(checked.extension), ContentFile(checked.content))
    try:
        with transaction.atomic():
            settings_ = CounterSettings.for_site(session.site)
            document = Document.objects.create(
                session=session,
                request=request,
                source=source,
                uploaded_by=user,
                name=checked.name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=hashlib.sha256(checked.content).hexdigest(),
                storage_name=stored_name,
                expires_at=timezone.now() + timedelta(days=settings_.document_retention_days),
            )
            record(
                "document.uploaded",
                document,
                user=user,
                actor_label=actor or ("" if user else source),
                site=session.site,
                session=session.pk,
                size=document.size,
                sha256=document.sha256,
            )
            transaction.on_commit(lambda: live.bump(session))
    except Exception:
        storage.delete(stored_name)  # the row did not make it: the file must not stay behind
        raise
    return document


def open_for_download(document: Document, *, user=None, actor: str = "", **data):
    """The file, opened for reading; writes the access to the audit log (with ``data``: how it was reached).

    ``None`` when the file is gone although the row is not marked yet (the retention job deletes files first,
    an operator removed an object): the views answer 404 instead of a storage error."""
    storage = document_storage()
    if not storage.exists(document.storage_name):
        return None
    record(
        "document.downloaded",
        document,
        user=user,
        actor_label=actor or ("" if user else "citizen"),
        site=document.session.site,
        **data,
    )
    return storage.open(document.storage_name, "rb")


def delete(document: Document, *, user=None, reason: str = "clerk") -> bool:
    """Remove the file at once; the row stays (marked deleted) for the audit trail."""
    with transaction.atomic():
        if not Document.objects.filter(pk=document.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_reason=reason
        ):
            return False
        record("document.deleted", document, user=user, actor_label="" if user else "system", reason=reason)
        session = document.session
        transaction.on_commit(lambda: live.bump(session))
    document_storage().delete(document.storage_name)
    return True


def delete_many(documents, *, reason: str, now=None) -> int:
    """Remove the files of ``documents`` (a queryset) and mark the rows deleted (the retention job, a
    citizen's erasure). Returns how many rows were marked.

    Files go first: a crash in between leaves a row pointing at a missing file (harmless, the next run
    marks it), never a file nobody knows about."""
    now = now or timezone.now()
    storage = document_storage()
    rows = list(documents.filter(deleted_at__isnull=True).values_list("pk", "storage_name"))
    for _pk, storage_name in rows:
        storage.delete(storage_name)
    return Document.objects.filter(pk__in=[pk for pk, _name in rows]).update(deleted_at=now, deleted_reason=reason)
