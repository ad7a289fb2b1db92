"""A signature in a conversation: verified identity first, explicit consent, sealed PDF kept with its proof."""

import io
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action, transition
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.pyhanko_provider import run_sync
from digitale_balie_plugin.models import ActionStatus, AuditEvent, Document, IdentityVerification, SignatureRequest
from digitale_balie_plugin.signals import document_signed
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def signer(tmp_path):
    root_pem = make_demo_chain(tmp_path / "seal.p12", "geheim")
    overrides = {
        "DOCUMENTS_ROOT": str(tmp_path / "documents"),
        "SIGNING": {
            "BACKEND": "pyhanko",
            "OPTIONS": {"PKCS12_PATH": str(tmp_path / "seal.p12"), "PKCS12_PASSPHRASE": "geheim"},
        },
    }
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **overrides}):
        yield asn1_x509.Certificate.load(pem.unarmor(root_pem)[2])


@pytest.fixture
def request_(phone_session, clerk, counter_page):
    document = documents.upload(
        phone_session, SimpleUploadedFile("aanvraag.pdf", make_pdf()), source="clerk", user=clerk
    )
    action = create_action(phone_session, "request_signature", {"document": document}, by_user=clerk)
    citizen = Client()
    response = citizen.post(counter_page.url + "code/", {"code": handover.issue_code(action)})
    assert response["Location"].endswith(f"/sign/{action.pk}/")
    return citizen, action, counter_page.url + f"sign/{action.pk}/"


def verified(session, clerk, level="high"):
    """A completed verification in this conversation (the OIDC flow itself is tested in the identity tests)."""
    action = create_action(session, "verify_identity", {}, by_user=clerk)
    IdentityVerification.objects.filter(action=action).update(
        level=level, given_name="Jan", family_name="Peeters", verified_at=timezone.now(), provider="balie-demo"
    )
    transition(action, ActionStatus.COMPLETED, actor_label="citizen")
    return IdentityVerification.objects.get(action=action)


def test_without_a_verification_the_page_starts_one_and_comes_back(request_, phone_session, counter_page):
    citizen, action, url = request_
    page = citizen.get(url).content.decode()
    assert "aanvraag.pdf" in page and "Toon wie u bent" in page and "data-balie-sign" not in page
    response = citizen.post(url, {"step": "verify"})
    verification_action = phone_session.actions.get(kind="verify_identity")
    assert response["Location"].endswith(f"/verify/{verification_action.pk}/")
    assert citizen.get(response["Location"]).status_code == 200  # this browser took the verification
    assert citizen.session["digitale_balie_then"].endswith(f"/sign/{action.pk}/")
    assert citizen.post(url, {"agree": "1"}).status_code == 400  # still not verified: no signature
    assert not SignatureRequest.objects.get().signed_at


def test_a_verified_citizen_signs_and_both_get_the_sealed_pdf(request_, phone_session, clerk, signer):
    citizen, action, url = request_
    seen = []
    document_signed.connect(lambda **kw: seen.append(kw["document"].pk), weak=False, dispatch_uid="signed")
    verification = verified(phone_session, clerk)
    page = citizen.get(url).content.decode()
    assert "Jan Peeters" in page and "data-balie-sign" in page
    missing = citizen.post(url, {})
    assert missing.status_code == 400 and "Vink het vakje aan" in missing.content.decode()
    assert citizen.post(url, {"agree": "1"}).status_code == 302
    signature = SignatureRequest.objects.get()
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED and signature.signer_name == "Jan Peeters"
    assert signature.verification == verification and signature.signed_at
    signed = signature.signed_document
    assert signed.name == "aanvraag (ondertekend).pdf" and seen == [signed.pk]
    download = citizen.get(reverse("digitale_balie:document_download", args=[signed.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    page = citizen.get(url).content.decode()
    assert 'data-balie-result="signed"' in page
    with documents.document_storage().open(signed.storage_name, "rb") as handle:
        pdf = handle.read()
    signature_ = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[signer], allow_fetching=False)
    status = run_sync(async_validate_pdf_signature(signature_, context))
    assert status.intact and status.valid and status.trusted
    event = AuditEvent.objects.get(action="document.signed")
    assert event.data["document_sha256"] == signature.document_sha256 and event.data["verification"] == verification.pk
    document_signed.disconnect(dispatch_uid="signed")


def test_a_level_too_low_does_not_count(request_, phone_session, clerk):
    citizen, _action, url = request_
    verified(phone_session, clerk, level="low")
    assert "data-balie-sign" not in citizen.get(url).content.decode()


def test_a_document_changed_after_the_request_cannot_be_signed(request_, phone_session, clerk, tmp_path):
    citizen, _action, url = request_
    verified(phone_session, clerk)
    document = Document.objects.get(name="aanvraag.pdf")
    stored = Path(settings.DIGITALE_BALIE["DOCUMENTS_ROOT"]) / document.storage_name
    stored.write_bytes(stored.read_bytes().replace(b"/MediaBox", b"/MediaBox "))
    response = citizen.post(url, {"agree": "1"})
    assert response.status_code == 400 and "veranderd" in response.content.decode()
    assert not SignatureRequest.objects.get().signed_at
    assert AuditEvent.objects.filter(action="signature.refused", data__reason="changed").exists()


def test_only_the_browser_that_took_the_request_reaches_it(request_, phone_session, counter_page):
    _citizen, action, url = request_
    stranger = Client()
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"agree": "1"}).status_code == 404
    assert stranger.get(reverse("digitale_balie:signature_document", args=[action.pk])).status_code == 404
    reader = _citizen.get(reverse("digitale_balie:signature_document", args=[action.pk]))
    assert reader.status_code == 200 and reader["Content-Disposition"].startswith("inline")


def test_the_document_to_read_is_sandboxed_like_a_download(request_):
    """Issue 16: shown inline, a PDF's script (or a file that is really HTML) must stay inert: the downloads'
    policy, ``sandbox`` included. Chromium's viewer still shows the PDF under it (checked by hand, Chromium 156)."""
    citizen, action, _url = request_
    reader = citizen.get(reverse("digitale_balie:signature_document", args=[action.pk]))
    assert reader.status_code == 200 and reader["Content-Disposition"].startswith("inline")
    assert reader["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert reader["X-Content-Type-Options"] == "nosniff" and "no-store" in reader["Cache-Control"]
