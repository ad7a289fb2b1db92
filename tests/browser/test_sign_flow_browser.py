"""The whole of issue 6 in two browser contexts, in one video session: documents both ways, an application
form filled in (one mistake corrected), turned into a PDF, signed by the citizen after verifying their
identity with the demo OpenID Connect provider; both download the sealed PDF; axe on every citizen page."""

from datetime import time
from pathlib import Path

import pytest
from django.test import override_settings

from digitale_balie_plugin.cms.models import ApplicationFormPage
from digitale_balie_plugin.models import SignatureRequest
from tests.browser.conftest import (
    citizen_waiting_for_clerk,
    follow_into_new_tab,
    log_in_at_the_demo_provider,
    open_panel,
    signing_and_identity,
)
from tests.factories import SeatFactory, ServiceFactory, SiteFactory, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, django_user_model, tmp_path, settings):
    site = SiteFactory(is_default_site=True, hostname="localhost", port=int(live_server.url.rsplit(":", 1)[1]))
    service = ServiceFactory(site=site, name="Parkeerkaart", slug="parkeerkaart", identity_level="high")
    seat = SeatFactory(services_for=service, hours=((time(0, 0), time(23, 55)),))
    form_page = site.root_page.add_child(instance=ApplicationFormPage(title="Aanvraag parkeerkaart", slug="aanvraag"))
    form_page.form_fields.create(label="Nummerplaat", field_type="singleline", required=True, sort_order=0)
    form_page.form_fields.create(label="E-mailadres", field_type="email", required=True, sort_order=1)
    form_page.save_revision().publish()
    django_user_model.objects.create_superuser("sofie", "sofie@example.be", "geheim-wachtwoord", first_name="Sofie")
    with override_settings(**signing_and_identity(settings, live_server, tmp_path)):
        yield {"url": live_server.url, "seat": seat, "service": service, "tmp": tmp_path}


def a_pdf(path):
    path.write_bytes(make_pdf())
    return path


def send_action(row, kind, **fields):
    form = open_panel(row, f"action-{kind}").locator(f"form[action$='/action-{kind}/']")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()


def test_documents_form_and_signature_in_one_video_call(browser, world, checked_page):
    citizen = checked_page
    clerk, row = citizen_waiting_for_clerk(browser, world["url"], world["seat"], world["service"], citizen)

    # Documents, both ways.
    citizen.page.set_input_files("#balie-document-file", a_pdf(world["tmp"] / "loonfiche.pdf"))
    citizen.page.locator("[data-balie-upload] button[type=submit]").click()
    documents = open_panel(row, "action-exchange_documents")
    documents.locator("a", has_text="loonfiche.pdf").wait_for(timeout=15000)
    upload = documents.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(a_pdf(world["tmp"] / "reglement.pdf"))
    upload.locator("button[type=submit]").click()
    citizen.page.locator("[data-balie-documents] a", has_text="reglement.pdf").wait_for(timeout=15000)

    # The application form, with one mistake corrected.
    send_action(row, "send_form", form_page="Aanvraag parkeerkaart")
    link = citizen.page.locator(".balie-action a[href*='/form/']")
    link.wait_for(timeout=15000)
    form_tab = follow_into_new_tab(citizen, link)
    form_tab.page.wait_for_url("**/form/*/")
    form_tab.axe("application form")
    form_tab.page.fill("#id_nummerplaat", "1-ABC-123")
    form_tab.page.reload()  # a half-filled form survives a reload
    assert form_tab.page.input_value("#id_nummerplaat") == "1-ABC-123"
    form_tab.page.fill("#id_e_mailadres", "geen-adres")
    form_tab.page.locator("form[data-balie-draft] button[type=submit]").click()
    form_tab.page.locator("[data-balie-error-summary]").wait_for()
    assert form_tab.page.locator("#id_e_mailadres").get_attribute("aria-invalid") == "true"
    form_tab.axe("application form with an error")
    form_tab.page.fill("#id_e_mailadres", "jan@example.be")
    form_tab.page.locator("form[data-balie-draft] button[type=submit]").click()
    form_tab.page.locator("[data-balie-result=sent]").wait_for()

    # The clerk sees the answers live and makes the PDF.
    answers = row.locator("[data-balie-answers]")
    answers.wait_for(timeout=15000)
    assert "1-ABC-123" in answers.inner_text()
    row.locator("form[action$='/form-pdf/'] button").click()
    open_panel(row, "action-exchange_documents").locator("a", has_text="Aanvraag parkeerkaart.pdf").wait_for(
        timeout=15000
    )

    # The signature: identity first (demo OpenID Connect provider), then consent.
    send_action(row, "request_signature", document="Aanvraag parkeerkaart.pdf")
    sign_link = citizen.page.locator(".balie-action a[href*='/sign/']")
    sign_link.wait_for(timeout=15000)
    sign_tab = follow_into_new_tab(citizen, sign_link)
    sign_tab.page.wait_for_url("**/sign/*/")
    sign_tab.axe("sign page before verification")
    sign_tab.page.locator("[data-balie-verify-first]").click()
    sign_tab.page.wait_for_url("**/verify/*/")
    log_in_at_the_demo_provider(sign_tab)
    sign_tab.page.locator("[data-balie-continue]").click()
    sign_tab.page.wait_for_url("**/sign/*/")
    assert "Jan Peeters" in sign_tab.page.inner_text("main, body")
    sign_tab.axe("sign page, verified")
    sign_tab.page.locator("[data-balie-sign]").click()
    sign_tab.page.locator("#sign-error").wait_for()  # the box was not ticked
    sign_tab.page.locator("#balie-agree").check()
    sign_tab.page.locator("[data-balie-sign]").click()
    sign_tab.page.locator("[data-balie-result=signed]").wait_for(timeout=15000)
    sign_tab.axe("signed")
    with sign_tab.page.expect_download() as citizen_download:
        sign_tab.page.locator("[data-balie-signed]").click()
    assert Path(citizen_download.value.path()).read_bytes()[:5] == b"%PDF-"

    panel = clerk.page.locator(".balie-action-panel[data-signed='1']")
    panel.wait_for(timeout=15000)
    assert "Jan Peeters" in panel.inner_text()
    # The clerk's copy (fetched with the clerk's own cookies: the video area covers the link on a small window).
    href = panel.locator("[data-field=signed-document]").get_attribute("href")
    response = clerk.page.request.get(world["url"] + href)
    assert response.ok and response.body()[:5] == b"%PDF-"
    assert "ondertekend" in response.headers["content-disposition"]
    signature = SignatureRequest.objects.get()
    assert signature.signer_name == "Jan Peeters" and signature.verification.level == "high"
    assert not clerk.csp_violations, clerk.csp_violations
    clerk.page.context.close()
