"""Application forms built with Wagtail's form builder, filled in during a conversation, made into a PDF."""

import io

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.cms.models import ApplicationFormPage
from digitale_balie_plugin.documents.storage import document_storage
from digitale_balie_plugin.models import ActionStatus, ApplicationSubmission, AuditEvent
from tests.calls.test_video_counter import clerk_client_for_seat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path)}):
        yield tmp_path


@pytest.fixture
def form_page(site):
    page = site.root_page.add_child(
        instance=ApplicationFormPage(
            title="Aanvraag parkeerkaart", slug="aanvraag-parkeerkaart", intro="<p>Vul in.</p>"
        )
    )
    page.form_fields.create(label="Nummerplaat", field_type="singleline", required=True, sort_order=0)
    page.form_fields.create(label="E-mailadres", field_type="email", required=True, sort_order=1)
    page.form_fields.create(label="Soort kaart", field_type="dropdown", choices="Bewoner\nBezoeker", sort_order=2)
    page.form_fields.create(label="Ik woon in de zone", field_type="checkbox", required=False, sort_order=3)
    page.save_revision().publish()
    return page


@pytest.fixture
def sent(phone_session, clerk, counter_page, form_page):
    action = create_action(phone_session, "send_form", {"form_page": form_page}, by_user=clerk)
    citizen = Client()
    response = citizen.post(counter_page.url + "code/", {"code": handover.issue_code(action)})
    assert response["Location"].endswith(f"/form/{action.pk}/")
    return citizen, action, counter_page.url + f"form/{action.pk}/"


def test_the_public_page_is_not_a_form(form_page):
    page = Client().get(form_page.url).content.decode()
    assert "tijdens een gesprek" in page and "<input" not in page


def test_fill_in_with_a_mistake_then_send(sent, seat, clerk):
    citizen, action, url = sent
    page = citizen.get(url).content.decode()
    assert "Nummerplaat" in page and "data-balie-draft" in page
    wrong = citizen.post(url, {"nummerplaat": "1-ABC-123", "e_mailadres": "geen-adres", "soort_kaart": "Bewoner"})
    text = wrong.content.decode()
    assert wrong.status_code == 400 and "Voer een geldig e-mailadres in" in text and 'aria-invalid="true"' in text
    assert 'value="1-ABC-123"' in text  # what was right stays filled in
    ok = citizen.post(
        url,
        {
            "nummerplaat": "1-ABC-123",
            "e_mailadres": "jan@example.be",
            "soort_kaart": "Bewoner",
            "ik_woon_in_de_zone": "on",
        },
    )
    assert ok.status_code == 302
    submission = ApplicationSubmission.objects.get()
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED and submission.submitted_at
    assert submission.answers() == [
        ("Nummerplaat", "1-ABC-123"),
        ("E-mailadres", "jan@example.be"),
        ("Soort kaart", "Bewoner"),
        ("Ik woon in de zone", "ja"),
    ]
    assert AuditEvent.objects.filter(action="form.submitted").exists()
    assert 'data-balie-result="sent"' in citizen.get(url).content.decode()

    console = clerk_client_for_seat(seat, clerk)
    panel = console.get(reverse("digitale_balie_console", args=[seat.pk])).content.decode()
    assert "1-ABC-123" in panel and "data-balie-answers" in panel
    make_pdf = reverse("digitale_balie_session_command", args=[seat.pk, action.session_id, "form-pdf"])
    assert console.post(make_pdf, {"action": action.pk}, HTTP_ACCEPT="application/json").status_code == 200
    submission.refresh_from_db()
    with document_storage().open(submission.pdf.storage_name, "rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Aanvraag parkeerkaart" in text and "1-ABC-123" in text and "jan@example.be" in text
    # The PDF can now be chosen for a signature request.
    from digitale_balie_plugin.signatures.action import RequestSignatureForm

    assert submission.pdf in RequestSignatureForm(session=action.session).fields["document"].queryset


def test_only_the_browser_that_took_it_fills_it_in(sent):
    _citizen, _action, url = sent
    assert Client().get(url).status_code == 404
    assert Client().post(url, {"nummerplaat": "x"}).status_code == 404
    assert not ApplicationSubmission.objects.get().submitted_at
