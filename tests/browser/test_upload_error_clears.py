"""An old upload error disappears once a later upload succeeds, on the citizen's documents page and in the
waiting room (issue 15)."""

import pytest

from tests.browser.conftest import (
    citizen_waiting_for_clerk,
    clerk_console,
    open_manage,
    open_phone_conversation,
    wait_for,
)
from tests.browser.test_documents_browser import a_pdf, world  # noqa: F401 - the live site fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_successful_upload_clears_the_old_error_on_the_documents_page(browser, world, checked_page):  # noqa: F811
    clerk = clerk_console(browser, world["url"], world["seat"].pk)
    row = open_phone_conversation(clerk, world["service"])
    open_manage(row)
    form = row.locator("form[action$='/action-exchange_documents/']")
    form.locator("button[type=submit]").click()
    row.locator("[data-balie-handover]").wait_for(timeout=10000)
    row.locator("form[action$='/code/'] button").click()
    code = wait_for(lambda: row.locator("[data-field=code]").count() and row.locator("[data-field=code]").inner_text())
    clerk.page.context.close()

    page = checked_page.page
    page.goto(world["url"] + "/digitale-balie/code/")
    page.fill("#id_code", code)
    page.locator(".balie-code-form button[type=submit]").click()
    page.wait_for_url("**/documents/*/")

    bad = world["tmp"] / "virus.pdf"
    bad.write_bytes(b"<script>alert(1)</script>")
    page.set_input_files("#balie-document-file", bad)
    page.locator("[data-balie-upload] button[type=submit]").click()
    wait_for(lambda: "past niet bij" in page.inner_text("main"))
    page.set_input_files("#balie-document-file", a_pdf(world["tmp"] / "plannen.pdf"))
    page.locator("[data-balie-upload] button[type=submit]").click()
    page.locator("[data-balie-documents] a", has_text="plannen.pdf").wait_for(timeout=10000)
    assert "past niet bij" not in page.inner_text("main")
    assert "Het document is toegevoegd: plannen.pdf" in page.inner_text("main")


def test_a_successful_upload_clears_the_old_error_in_the_waiting_room(browser, world, checked_page):  # noqa: F811
    citizen = checked_page
    clerk, _row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)
    page = citizen.page
    status, file = page.locator("[data-balie-upload-status]"), page.locator("#balie-document-file")
    bad = world["tmp"] / "virus.pdf"
    bad.write_bytes(b"<script>alert(1)</script>")
    file.set_input_files(bad)
    page.locator("[data-balie-upload] button[type=submit]").click()
    wait_for(lambda: "past niet bij" in status.inner_text())
    assert "balie-field-error" in status.get_attribute("class") and file.get_attribute("aria-invalid") == "true"

    file.set_input_files(a_pdf(world["tmp"] / "plannen.pdf"))
    page.locator("[data-balie-upload] button[type=submit]").click()
    wait_for(lambda: "plannen.pdf" in status.inner_text())
    assert "past niet bij" not in status.inner_text()
    assert "balie-field-error" not in status.get_attribute("class") and file.get_attribute("aria-invalid") is None
    citizen.axe("waiting room after a refused, then a good upload")
    clerk.page.context.close()
