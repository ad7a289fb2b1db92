"""Documents both ways in a video session (two browser contexts), without a page load on either side, and
the phone-channel exchange page opened with a code; axe on every citizen page."""

from datetime import time
from pathlib import Path

import pytest

from digitale_balie_plugin.models import Document
from tests.browser.conftest import (
    citizen_waiting_for_clerk,
    clerk_console,
    open_panel,
    open_phone_conversation,
    wait_for,
)
from tests.factories import SeatFactory, ServiceFactory, SiteFactory, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, django_user_model, tmp_path, settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path / "documents")}
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Bouwadvies", slug="bouwadvies", offers_phone=True, needs_documents=True)
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    return {"url": live_server.url, "seat": seat, "service": service, "tmp": tmp_path}


def a_pdf(path):
    path.write_bytes(make_pdf())
    return path


def test_documents_both_ways_in_a_video_call(browser, world, checked_page):
    citizen = checked_page
    clerk, row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    citizen.axe("waiting room with documents")
    navigations = []
    citizen.page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == citizen.page.main_frame else None
    )

    citizen.page.set_input_files("#balie-document-file", a_pdf(world["tmp"] / "plannen.pdf"))
    citizen.page.locator("[data-balie-upload] button[type=submit]").click()
    citizen.page.locator("[data-balie-upload-status]").filter(has_text="plannen.pdf").wait_for(timeout=10000)
    citizen.page.locator("[data-balie-documents] a", has_text="plannen.pdf").wait_for(timeout=10000)

    documents = open_panel(row, "action-exchange_documents")
    documents.locator("a", has_text="plannen.pdf").wait_for(timeout=15000)
    form = documents.locator("form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files(a_pdf(world["tmp"] / "advies.pdf"))
    form.locator("button[type=submit]").click()
    citizen.page.locator("[data-balie-documents] a", has_text="advies.pdf").wait_for(timeout=15000)
    assert not navigations  # both uploads and the live list happened in place: a call would go on

    with citizen.page.expect_download() as download:
        citizen.page.locator("[data-balie-documents] a", has_text="advies.pdf").click()
    assert download.value.suggested_filename == "advies.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"

    bad = world["tmp"] / "virus.pdf"
    bad.write_bytes(b"<script>alert(1)</script>")
    citizen.page.set_input_files("#balie-document-file", bad)
    citizen.page.locator("[data-balie-upload] button[type=submit]").click()
    wait_for(lambda: "past niet bij" in citizen.page.inner_text("[data-balie-upload-status]"))
    citizen.axe("waiting room after a refused upload")
    assert sorted(Document.objects.values_list("name", flat=True)) == ["advies.pdf", "plannen.pdf"]
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()


def documents_page_by_code(browser, world, citizen, what=""):
    """The clerk asks for documents on the phone and reads out the code; the citizen types it. Returns the clerk."""
    clerk = clerk_console(browser, world["url"], world["seat"].pk)
    row = open_phone_conversation(clerk, world["service"])
    form = open_panel(row, "action-exchange_documents").locator("form[action$='/action-exchange_documents/']")
    form.locator("input[name=what]").fill(what)
    form.locator("button[type=submit]").click()
    row.locator("[data-balie-handover]").wait_for(timeout=10000)
    row.locator("form[action$='/code/'] button").click()
    code = wait_for(lambda: row.locator("[data-field=code]").count() and row.locator("[data-field=code]").inner_text())

    citizen.page.goto(world["url"] + "/digitale-balie/code/")
    citizen.page.fill("#id_code", code)
    citizen.page.locator(".balie-code-form button[type=submit]").click()
    citizen.page.wait_for_url("**/documents/*/")
    return clerk


def test_documents_on_the_phone_with_a_code(browser, world, checked_page):
    citizen = checked_page
    clerk = documents_page_by_code(browser, world, citizen, what="uw bouwplannen")
    assert "uw bouwplannen" in citizen.page.inner_text("main, body")
    citizen.axe("documents page")
    citizen.page.set_input_files("#balie-document-file", a_pdf(world["tmp"] / "plannen.pdf"))
    citizen.page.locator("[data-balie-upload] button[type=submit]").click()
    citizen.page.locator("[data-balie-documents] a", has_text="plannen.pdf").wait_for(timeout=10000)
    citizen.axe("documents page with a document")
    conversation = clerk.page.locator("[data-balie-conversation]")
    open_panel(conversation, "action-exchange_documents").locator("a", has_text="plannen.pdf").wait_for(timeout=15000)
    clerk.page.context.close()


def send_file(page, path, status, expect):
    """Upload ``path`` from the page's form and wait for ``expect`` where the answer shows (``status``)."""
    page.set_input_files("#balie-document-file", path)
    page.locator("[data-balie-upload] button[type=submit]").click()
    wait_for(lambda: expect in page.inner_text(status))


def a_lie(path):
    path.write_bytes(b"<script>alert(1)</script>")  # a ".pdf" that is no PDF: refused
    return path


def test_a_successful_upload_clears_the_old_error_on_the_documents_page(browser, world, checked_page):
    """Issue 15: an old upload error disappears after a successful upload (here the page reloads: no JS)."""
    clerk = documents_page_by_code(browser, world, checked_page)
    clerk.page.context.close()
    page = checked_page.page
    send_file(page, a_lie(world["tmp"] / "virus.pdf"), "main", "past niet bij")
    send_file(page, a_pdf(world["tmp"] / "plannen.pdf"), "main", "plannen.pdf")
    assert "past niet bij" not in page.inner_text("main")
    assert "Het document is toegevoegd: plannen.pdf" in page.inner_text("main")


def test_a_successful_upload_clears_the_old_error_in_the_waiting_room(browser, world, checked_page):
    """Issue 15: in the call page (uploads in the background) the error's text, colour and marking go."""
    citizen = checked_page
    clerk, _row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    page = citizen.page
    status, file = page.locator("[data-balie-upload-status]"), page.locator("#balie-document-file")
    send_file(page, a_lie(world["tmp"] / "virus.pdf"), "[data-balie-upload-status]", "past niet bij")
    assert "balie-field-error" in status.get_attribute("class") and file.get_attribute("aria-invalid") == "true"
    send_file(page, a_pdf(world["tmp"] / "plannen.pdf"), "[data-balie-upload-status]", "plannen.pdf")
    assert "past niet bij" not in status.inner_text()
    assert "balie-field-error" not in status.get_attribute("class") and file.get_attribute("aria-invalid") is None
    citizen.axe("waiting room after a refused, then a good upload")
    clerk.page.context.close()
