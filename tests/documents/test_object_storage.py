"""Documents on an S3-compatible bucket, as several app servers need them: a real server (moto in server
mode, over HTTP), configured the way ``example_site/settings/production.py`` reads the environment.

Nothing here mocks boto3 or the storage class; there is no local ``DOCUMENTS_ROOT`` at all, so any code
that still wrote a file to the server's own disk would fail."""

import base64
import io
import re
from datetime import timedelta

import pytest
import requests
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core import checks
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from digitale_balie_plugin.actions.service import create_action, transition
from digitale_balie_plugin.checks import check_document_storage
from digitale_balie_plugin.documents import service
from digitale_balie_plugin.documents.storage import STORAGE_ALIAS
from digitale_balie_plugin.documents.validation import DocumentRefused
from digitale_balie_plugin.integrations.antivirus.base import EICAR
from digitale_balie_plugin.integrations.antivirus.demo import DemoAntivirus
from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.pyhanko_provider import run_sync
from digitale_balie_plugin.models import ActionStatus, AuditEvent, Document, IdentityVerification, SignatureRequest
from digitale_balie_plugin.signatures import service as signatures
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)

RANDOM_KEY = re.compile(r"documents/[0-9a-f]{2}/[0-9a-f]{32}\.pdf")


def as_another_server():
    """Forget the storage objects this process built (their boto3 sessions and clients), as a second app
    server that never saw the upload would start."""
    storages._storages = {}


def test_the_citizen_uploads_and_the_clerk_downloads_through_the_bucket(room, clerk, seat, s3_bucket):
    citizen, session, room_url = room
    content = make_pdf(content=b"% " + b"x" * 300_000 + b"\n")  # more than one read of FileResponse
    response = citizen.post(
        reverse("digitale_balie:document_upload", args=[session.pk]),
        {"file": SimpleUploadedFile("loonfiche.pdf", content), "next": room_url},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert s3_bucket.keys() == [f"documents/{document.storage_name}"]
    assert s3_bucket.read(f"documents/{document.storage_name}") == content
    as_another_server()
    download = clerk_client_for_seat(seat, clerk).get(reverse("digitale_balie:document_download", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert int(download["Content-Length"]) == len(content) == document.size
    assert download["Cache-Control"] == "private, no-store" and download["Content-Disposition"].startswith("attachment")


def test_an_object_has_a_random_name_no_public_access_and_is_encrypted(phone_session, s3_bucket):
    document = service.upload(phone_session, SimpleUploadedFile("Paspoort Jan.pdf", make_pdf()), source="citizen")
    (key,) = s3_bucket.keys()
    assert RANDOM_KEY.fullmatch(key) and "Jan" not in key and "Paspoort" not in key
    anonymous = requests.get(f"{s3_bucket.endpoint}/{s3_bucket.name}/{key}", timeout=10)
    assert anonymous.status_code == 403 and b"%PDF" not in anonymous.content
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]  # the owner only: no AllUsers / AuthenticatedUsers group
    head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=key)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == document.size


def test_the_scanner_sees_the_file_before_the_bucket_does(phone_session, s3_bucket):
    DemoAntivirus.scanned.clear()
    with pytest.raises(DocumentRefused):
        service.upload(
            phone_session, SimpleUploadedFile("x.pdf", make_pdf(content=b"% " + EICAR + b"\n")), source="citizen"
        )
    assert s3_bucket.keys() == [] and not Document.objects.exists()
    assert [verdict for _name, _hash, verdict in DemoAntivirus.scanned] == [False]


def test_deleting_and_retention_remove_the_objects(phone_session, s3_bucket, frozen_now):
    from digitale_balie_plugin.retention.job import apply_retention

    first = service.upload(phone_session, SimpleUploadedFile("a.pdf", make_pdf()), source="clerk")
    service.upload(phone_session, SimpleUploadedFile("b.pdf", make_pdf()), source="clerk")
    service.upload(phone_session, SimpleUploadedFile("c.pdf", make_pdf()), source="clerk")
    assert len(s3_bucket.keys()) == 3
    assert service.delete(first)
    assert len(s3_bucket.keys()) == 2
    frozen_now.shift(timedelta(days=31))
    assert apply_retention()["documents"] == 2
    assert s3_bucket.keys() == []
    assert set(Document.objects.values_list("deleted_reason", flat=True)) == {"clerk", "retention"}


@pytest.fixture
def seal_as_text(tmp_path):
    """The seal certificate from an option (an environment variable), not from a file on this server; the root."""
    root_pem = make_demo_chain(tmp_path / "seal.p12", "geheim")
    encoded = base64.encodebytes((tmp_path / "seal.p12").read_bytes()).decode()  # with line breaks, as `base64` prints
    (tmp_path / "seal.p12").unlink()
    signing = {"BACKEND": "pyhanko", "OPTIONS": {"PKCS12_BASE64": encoded, "PKCS12_PASSPHRASE": "geheim"}}
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "SIGNING": signing}):
        yield asn1_x509.Certificate.load(pem.unarmor(root_pem)[2])


def signature_request(session, clerk, document) -> SignatureRequest:
    """A request to sign ``document`` in a conversation where the citizen has verified their identity."""
    action = create_action(session, "request_signature", {"document": document}, by_user=clerk)
    verify = create_action(session, "verify_identity", {}, by_user=clerk)
    IdentityVerification.objects.filter(action=verify).update(
        level="high", given_name="Jan", family_name="Peeters", verified_at=timezone.now(), provider="balie-demo"
    )
    transition(verify, ActionStatus.COMPLETED, actor_label="citizen")
    return SignatureRequest.objects.get(action=action)


def test_a_pdf_is_sealed_from_the_bucket_with_a_seal_given_as_text(phone_session, clerk, s3_bucket, seal_as_text):
    original = service.upload(phone_session, SimpleUploadedFile("aanvraag.pdf", make_pdf()), source="clerk", user=clerk)
    request = signature_request(phone_session, clerk, original)
    as_another_server()
    signed = signatures.sign(request, signatures.usable_verification(request))
    assert sorted(s3_bucket.keys()) == sorted(f"documents/{d.storage_name}" for d in (original, signed))
    pdf = s3_bucket.read(f"documents/{signed.storage_name}")
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[seal_as_text], allow_fetching=False)
    status = run_sync(async_validate_pdf_signature(embedded, context))
    assert status.intact and status.valid and status.trusted


def test_the_check_accepts_the_bucket_without_a_documents_root(s3_bucket):
    assert "DOCUMENTS_ROOT" not in settings.DIGITALE_BALIE
    assert check_document_storage(None) == []


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_the_check_refuses_a_bucket_that_makes_documents_public(s3_bucket, acl):
    alias = settings.STORAGES[STORAGE_ALIAS]
    public = {**alias, "OPTIONS": {**alias["OPTIONS"], "default_acl": acl}}
    with override_settings(STORAGES={**settings.STORAGES, STORAGE_ALIAS: public}):
        (error,) = check_document_storage(None)
    assert error.id == "digitale_balie.E010" and acl in error.msg and error.level == checks.ERROR


def test_the_check_names_a_storage_that_cannot_be_loaded():
    broken = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"no_such_option": 1}}
    with override_settings(STORAGES={**settings.STORAGES, STORAGE_ALIAS: broken}):
        (error,) = check_document_storage(None)
    assert error.id == "digitale_balie.E010" and "cannot be loaded" in error.msg


def test_a_directory_alias_inside_the_media_root_is_refused(tmp_path):
    inside = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "m" / "d")},
    }
    with override_settings(MEDIA_ROOT=str(tmp_path / "m"), STORAGES={**settings.STORAGES, STORAGE_ALIAS: inside}):
        (error,) = check_document_storage(None)
    assert error.id == "digitale_balie.E010" and "MEDIA_ROOT" in error.msg


def test_an_object_gone_from_the_bucket_is_a_404_not_a_storage_error(room, clerk, s3_bucket, seal_as_text):
    """The retention job deletes objects before it marks rows; an operator may remove one by hand."""
    citizen, session, _room_url = room
    citizen.post(
        reverse("digitale_balie:document_upload", args=[session.pk]),
        {"file": SimpleUploadedFile("a.pdf", make_pdf())},
    )
    document = Document.objects.get()
    request = signature_request(session, clerk, document)
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=f"documents/{document.storage_name}")
    assert citizen.get(reverse("digitale_balie:document_download", args=[document.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()
    with pytest.raises(signatures.DocumentChanged):
        signatures.sign(request, signatures.usable_verification(request))
