"""Create a signature request, find the verification that may bind it, and sign."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.documents.storage import document_storage
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.signing.base import DocumentNotSignable, SignatureDetails
from digitale_balie_plugin.integrations.signing.registry import get_signing_provider
from digitale_balie_plugin.models import ActionStatus, Document, IdentityVerification, SignatureRequest
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.choices import level_at_least
from digitale_balie_plugin.signals import document_signed

logger = logging.getLogger("digitale_balie.signatures")

SIGN_KIND = "request_signature"


class DocumentChanged(CounterError):
    default_message = _("The document changed after the signature was requested. Ask the clerk for a new request.")


class NotVerified(CounterError):
    default_message = _("First show who you are. Then you can sign.")


def create_request(action, document: Document, required_level: str) -> SignatureRequest:
    return SignatureRequest.objects.create(
        action=action, document=document, document_sha256=_stored_hash(document), required_level=required_level
    )


def request_for(action_id) -> SignatureRequest | None:
    return (
        SignatureRequest.objects.select_related("action__session__site", "action__created_by", "document")
        .filter(action_id=action_id, action__kind=SIGN_KIND)
        .first()
    )


def usable_verification(signature: SignatureRequest) -> IdentityVerification | None:
    """The latest verification of this conversation that succeeded at the level the signature needs."""
    candidates = IdentityVerification.objects.filter(
        action__session=signature.action.session,
        action__status=ActionStatus.COMPLETED,
        personal_data_deleted_at__isnull=True,
    ).order_by("-verified_at")
    return next((v for v in candidates if level_at_least(v.level, signature.required_level)), None)


def sign(signature: SignatureRequest, verification: IdentityVerification | None) -> Document:
    """Seal the document for the verified citizen; raises ``CounterError``s with a message for them."""
    action = signature.action
    if action.is_final or not action.is_open:
        raise CounterError(_("This request is closed."))
    if verification is None:
        raise NotVerified()
    original = signature.document
    content = _read(original)
    if hashlib.sha256(content).hexdigest() != signature.document_sha256 or original.deleted_at:
        record("signature.refused", signature, actor_label="citizen", site=action.session.site, reason="changed")
        raise DocumentChanged()
    now = timezone.now()
    name = f"{verification.given_name} {verification.family_name}".strip()
    details = SignatureDetails(
        signer_name=name,
        reference=f"DB-S{signature.pk}",
        reason=str(_("Signed in a conversation with the city after strong authentication")),
        location="",
        signed_at=timezone.localtime(now),
    )
    try:
        signed = get_signing_provider().sign(content, details)
    except DocumentNotSignable as exc:
        record("signature.refused", signature, actor_label="citizen", site=action.session.site, reason=exc.code)
        raise
    return _store(signature, verification, signed, name, now)


def _store(signature, verification, signed, name, now) -> Document:
    action = signature.action
    stem = signature.document.name.rsplit(".", 1)[0]
    upload = SimpleUploadedFile(f"{stem} (ondertekend).pdf"[:120], signed.pdf, content_type="application/pdf")
    with transaction.atomic():
        document = documents.upload(action.session, upload, source="clerk", actor="system", request=action)
        SignatureRequest.objects.filter(pk=signature.pk).update(
            verification=verification,
            signer_name=name,
            signed_document=document,
            signed_at=now,
            certificate_subject=signed.certificate_subject[:300],
        )
        signature.refresh_from_db()
        record(
            "document.signed",
            signature,
            actor_label="citizen",
            site=action.session.site,
            document=signature.document_id,
            document_sha256=signature.document_sha256,
            signed_document=document.pk,
            signed_sha256=document.sha256,
            verification=verification.pk,
            level=verification.level,
            timestamped=signed.timestamped,
        )
        transition(action, ActionStatus.COMPLETED, actor_label="citizen", result={"signed_document": document.pk})
        transaction.on_commit(
            lambda: document_signed.send(sender=SignatureRequest, signature=signature, document=document)
        )
    return document


def _read(document: Document) -> bytes:
    """The stored bytes, whole (pyHanko signs a PDF in memory); empty when the file is gone, whose hash then
    differs from the one taken at the request: the citizen reads that the document changed, not an error."""
    storage = document_storage()
    if not storage.exists(document.storage_name):
        return b""
    with storage.open(document.storage_name, "rb") as handle:
        return handle.read()


def _stored_hash(document: Document) -> str:
    return hashlib.sha256(_read(document)).hexdigest()
