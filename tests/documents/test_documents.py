"""Documents exchanged during a conversation: hostile files never get through, private storage, access, audit."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.documents import service
from digitale_balie_plugin.documents.validation import DocumentRefused, safe_name
from digitale_balie_plugin.integrations.antivirus.base import EICAR, ScannerUnavailable
from digitale_balie_plugin.models import AuditEvent, Document
from tests.calls.test_video_counter import clerk_client_for_seat
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    root = tmp_path / "documents"
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(root)}):
        yield root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- files, friendly and hostile ------------------------------------------------------------------


pdf = make_pdf


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "Jan Peeters"  # Artist
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(output, "PNG")
    return output.getvalue()


def zip_bomb() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * 20_000_000)
    return output.getvalue()


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'

REFUSALS = [
    ("empty.pdf", b"", "leeg", "empty"),
    ("passport.exe", b"MZ\x90\x00", "niet toegelaten", "type"),
    ("bomb.zip", zip_bomb(), "niet toegelaten", "type"),
    ("bomb.pdf", zip_bomb(), "Archieven", "archive"),
    ("drawing.svg", SVG_WITH_SCRIPT, "niet toegelaten", "type"),
    ("drawing.png", SVG_WITH_SCRIPT, "past niet bij", "mismatch"),
    ("report.pdf", png(), "past niet bij", "mismatch"),
    ("photo.jpg", pdf(), "past niet bij", "mismatch"),
    ("polyglot.pdf", b"<html><script>alert(1)</script></html>\n" + pdf(), "past niet bij", "mismatch"),
    ("trailing.pdf", pdf() + b"\n<script>alert(1)</script>", "extra gegevens", "polyglot"),
    ("script.pdf", pdf(script="app.alert(1)"), "scripts", "active"),
    ("damaged.pdf", b"%PDF-1.7\n1 0 obj garbage\n%%EOF", "beschadigd", "damaged"),
    ("damaged.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "beschadigd", "damaged"),
    ("eicar.pdf", pdf(content=b"% " + EICAR + b"\n"), "virus", "virus"),
]


@pytest.mark.parametrize(("name", "content", "message", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_hostile_files_are_refused_with_a_clear_message_and_nothing_is_stored(
    phone_session, name, content, message, code, documents_root
):
    with pytest.raises(DocumentRefused) as refused:
        service.upload(phone_session, SimpleUploadedFile(name, content), source="citizen")
    assert message in str(refused.value.message) and refused.value.code == code
    assert not Document.objects.exists() and stored_files(documents_root) == []
    assert AuditEvent.objects.filter(action="document.refused", data__reason=code).exists()


def test_too_large_is_refused(phone_session, documents_root):
    from digitale_balie_plugin.models import CounterSettings

    CounterSettings.objects.update_or_create(site=phone_session.site, defaults={"document_max_mb": 1})
    big = SimpleUploadedFile("big.pdf", pdf(content=b"% " + b"x" * 1_100_000 + b"\n"))
    with pytest.raises(DocumentRefused, match="te groot"):
        service.upload(phone_session, big, source="citizen")
    assert stored_files(documents_root) == []


def test_a_pdf_is_stored_privately_under_a_random_name(phone_session, documents_root):
    content = pdf()
    document = service.upload(
        phone_session, SimpleUploadedFile("../../etc/Aanvraag\u202egpj.pdf", content), source="citizen"
    )
    assert document.name == "Aanvraaggpj.pdf"  # the path and the right-to-left override are gone
    files = stored_files(documents_root)
    assert len(files) == 1 and files[0].read_bytes() == content
    assert "Aanvraag" not in str(files[0]) and not str(files[0]).startswith(settings.MEDIA_ROOT.as_posix())
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    assert AuditEvent.objects.filter(action="document.uploaded", object_id=str(document.pk)).exists()


def test_images_are_re_encoded_without_their_metadata_or_what_hides_behind_them(phone_session, documents_root):
    hidden = jpeg_with_location() + zip_bomb()  # a JPEG/ZIP polyglot
    document = service.upload(phone_session, SimpleUploadedFile("foto.jpg", hidden), source="citizen")
    stored = stored_files(documents_root)[0].read_bytes()
    assert b"SecretCam" in hidden and b"SecretCam" not in stored and b"Jan Peeters" not in stored
    assert b"PK\x03\x04" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {}
    assert document.size == len(stored) and document.content_type == "image/jpeg"


def test_an_unreachable_scanner_refuses_uploads(phone_session, documents_root):
    from django.conf import settings as django_settings

    closed = {"ANTIVIRUS": {"BACKEND": "clamav", "OPTIONS": {"HOST": "127.0.0.1", "PORT": 9, "TIMEOUT": 2}}}
    with (
        override_settings(DIGITALE_BALIE={**django_settings.DIGITALE_BALIE, **closed}),
        pytest.raises(ScannerUnavailable) as refused,
    ):
        service.upload(phone_session, SimpleUploadedFile("ok.pdf", pdf()), source="citizen")
    assert "virussen" in str(refused.value) and stored_files(documents_root) == []


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\jan\\scan.pdf", "scan.pdf"),
        ("\x00\x1b[31m.pdf", "[31m.pdf"),
        ("...", "document"),
    ],
)
def test_safe_names(raw, safe):
    assert safe_name(raw) == safe


# --- the pages ------------------------------------------------------------------------------------


def upload_url(session):
    return reverse("digitale_balie:document_upload", args=[session.pk])


def test_both_sides_exchange_documents_and_see_them_live(room, clerk, seat):
    citizen, session, room_url = room
    response = citizen.post(upload_url(session), {"file": SimpleUploadedFile("loonfiche.pdf", pdf()), "next": room_url})
    assert response.status_code == 302 and response["Location"] == room_url
    assert "toegevoegd" in citizen.get(room_url).content.decode()
    console = clerk_client_for_seat(seat, clerk)
    answer = console.post(
        upload_url(session), {"file": SimpleUploadedFile("attest.pdf", pdf())}, HTTP_ACCEPT="application/json"
    )
    assert answer.status_code == 200
    state = citizen.get(reverse("digitale_balie:room_state", args=[session.pk])).json()
    assert [(d["name"], d["source"]) for d in state["documents"]] == [
        ("loonfiche.pdf", "van u"),
        ("attest.pdf", "van de medewerker"),
    ]
    console_state = console.get(reverse("digitale_balie:seat_state", args=[seat.pk])).json()
    item = next(item for item in console_state["sessions"] if item["id"] == session.pk)
    assert [d["name"] for d in item["documents"]] == ["loonfiche.pdf", "attest.pdf"]
    download = citizen.get(state["documents"][1]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="document.downloaded", actor_label="citizen").exists()


def test_a_refused_upload_says_why_in_the_citizens_language(room):
    citizen, session, room_url = room
    response = citizen.post(upload_url(session), {"file": SimpleUploadedFile("x.pdf", png()), "next": room_url})
    assert response.status_code == 302 and "past niet bij" in citizen.get(room_url).content.decode()
    json_answer = citizen.post(
        upload_url(session), {"file": SimpleUploadedFile("x.pdf", b"")}, HTTP_ACCEPT="application/json"
    )
    assert json_answer.status_code == 400 and "leeg" in json_answer.json()["messages"][0]["text"]


def test_an_oversized_request_is_answered_before_its_body_is_read(room, rf):
    from digitale_balie_plugin.documents.views import upload

    _citizen, session, _room_url = room

    class Untouchable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body must not be read")

    request = rf.post(upload_url(session), data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    request.META["wsgi.input"] = Untouchable()
    request._stream = Untouchable()
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = upload(request, session.pk)
    assert response.status_code == 302
    assert "te groot" in " ".join(str(m) for m in request._messages)


def test_the_upload_handler_stops_as_soon_as_the_limit_is_passed(rf):
    from django.core.files.uploadhandler import StopUpload

    from digitale_balie_plugin.documents.uploads import SizeLimitedUploadHandler

    request = rf.post("/")
    handler = SizeLimitedUploadHandler(request, max_bytes=100)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert request.balie_upload_too_large


def test_the_clerk_deletes_a_document_at_once(room, clerk, seat, documents_root):
    citizen, session, _room_url = room
    citizen.post(upload_url(session), {"file": SimpleUploadedFile("a.pdf", pdf())})
    document = Document.objects.get()
    console = clerk_client_for_seat(seat, clerk)
    url = reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "delete-document"])
    assert console.post(url, {"document": document.pk}, HTTP_ACCEPT="application/json").status_code == 200
    assert stored_files(documents_root) == []
    assert citizen.get(reverse("digitale_balie:document_download", args=[document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="document.deleted", object_id=str(document.pk)).exists()


def test_documents_expire_after_the_retention_period(phone_session, documents_root, frozen_now):
    service.upload(phone_session, SimpleUploadedFile("a.pdf", pdf()), source="clerk")
    from digitale_balie_plugin.retention.job import apply_retention

    assert apply_retention()["documents"] == 0
    frozen_now.shift(timedelta(days=31))
    assert apply_retention()["documents"] == 1
    assert stored_files(documents_root) == [] and Document.objects.get().deleted_reason == "retention"


def test_on_the_phone_a_code_opens_the_exchange_page(phone_session, clerk, counter_page):
    action = create_action(phone_session, "exchange_documents", {"what": "uw loonfiche"}, by_user=clerk)
    citizen = Client()
    response = citizen.post(counter_page.url + "code/", {"code": handover.issue_code(action)})
    assert response["Location"].endswith(f"/documents/{action.pk}/")
    page = citizen.get(response["Location"]).content.decode()
    assert "uw loonfiche" in page and 'enctype="multipart/form-data"' in page
    upload = citizen.post(upload_url(phone_session), {"file": SimpleUploadedFile("loonfiche.pdf", pdf())})
    assert upload.status_code == 302
    document = Document.objects.get()
    assert document.source == "citizen" and document.request_id == action.pk
    assert "loonfiche.pdf" in citizen.get(response["Location"]).content.decode()


def test_only_the_right_people_reach_documents(room, clerk, seat, service, django_user_model, counter_page):
    from django.contrib.auth.models import Permission

    from tests.factories import SeatFactory

    citizen, session, _room_url = room
    citizen.post(upload_url(session), {"file": SimpleUploadedFile("a.pdf", pdf())})
    document = Document.objects.get()
    action = create_action(session, "exchange_documents", {}, by_user=clerk)
    other_seat = SeatFactory(services_for=service)
    other_clerk = django_user_model.objects.create_user("other", password="pw")
    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    strangers = {
        "anonymous": Client(),
        "clerk of another seat": clerk_client_for_seat(other_seat, other_clerk),
        "editor": Client(),
    }
    strangers["editor"].force_login(editor)
    for who, client in strangers.items():
        download = client.get(reverse("digitale_balie:document_download", args=[document.pk]))
        assert download.status_code == 404, who
        upload = client.post(upload_url(session), {"file": SimpleUploadedFile("b.pdf", pdf())})
        assert upload.status_code == 404, who
        assert client.get(counter_page.url + f"documents/{action.pk}/").status_code == 404, who
        delete = client.post(
            reverse("digitale_balie_session_command", args=[seat.pk, session.pk, "delete-document"]),
            {"document": document.pk},
        )
        assert delete.status_code in (302, 403, 404), who
    assert Document.objects.count() == 1 and Document.objects.get().deleted_at is None
    assert (
        clerk_client_for_seat(seat, clerk)
        .get(reverse("digitale_balie:document_download", args=[document.pk]))
        .status_code
        == 200
    )
