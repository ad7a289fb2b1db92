"""Feature switches: a city that wants booking and video only gets nothing else (issue 13).

Each test compares a booking-only site (``DIGITALE_BALIE["FEATURES"] = []``) with the default (every feature),
so a switch that did nothing would fail.
"""

from unittest import mock

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from digitale_balie_plugin import checks as package_checks
from digitale_balie_plugin.actions.registry import action_types, clerk_command
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.cms.blocks import CounterStreamBlock
from digitale_balie_plugin.cms.models import ApplicationFormPage
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.feedback.service import may_answer
from digitale_balie_plugin.integrations import all_registries
from digitale_balie_plugin.models import CaseRecord
from tests.calls.test_video_counter import enter_room
from tests.fixtures import at

CORE_KINDS = {"share_message"}
OPTIONAL_KINDS = {"verify_identity", "request_payment", "exchange_documents", "request_signature", "send_form"}


@pytest.fixture
def features(settings):
    """Call with a list of feature names to switch on; the rest are off."""

    def switch(names):
        settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "FEATURES": list(names)}

    return switch


def package_check_ids(**kwargs):
    return [message.id for message in checks.run_checks(**kwargs) if message.id.startswith("digitale_balie")]


def test_clerk_commands_follow_the_switches(features):
    assert set(action_types()) == CORE_KINDS | OPTIONAL_KINDS
    assert clerk_command("refund") is not None
    features([])
    assert set(action_types()) == CORE_KINDS
    assert clerk_command("refund") is None  # the payment kind's console command is gone with it
    features(["payments"])
    assert set(action_types()) == CORE_KINDS | {"request_payment"}


def test_the_console_offers_no_switched_off_action(admin_client, features, seat, phone_session):
    url = reverse("digitale_balie_console", args=[seat.pk])
    everything = admin_client.get(url).content.decode()
    assert 'value="request_payment"' in everything or "request_payment" in everything
    assert 'data-balie-panel="action-exchange_documents"' in everything
    features([])
    booking_only = admin_client.get(url).content.decode()
    for kind in OPTIONAL_KINDS:
        assert kind not in booking_only, kind
    assert "share_message" in booking_only
    assert "action-exchange_documents" not in booking_only  # no document exchange without documents


def test_menus_and_admin_screens_disappear(admin_client, features, site):
    home = admin_client.get("/admin/").content.decode()
    finance, feedback = reverse("digitale_balie_finance_report"), reverse("digitale_balie_feedback_report")
    assert finance in home and feedback in home and "/admin/digitale_balie/caserecord/" in home
    features([])
    home = admin_client.get("/admin/").content.decode()
    assert finance not in home and feedback not in home and "/admin/digitale_balie/caserecord/" not in home
    assert reverse("digitale_balie_dashboard") in home  # the core's figures stay
    assert admin_client.get(finance).status_code == 404
    assert admin_client.get(feedback).status_code == 404
    assert admin_client.get("/admin/digitale_balie/caserecord/").status_code in (302, 403)


def test_the_call_page_offers_no_document_exchange_without_documents(
    client, features, service, seat, counter_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = booking.book_appointment(
            service, at(7, 10), booking.CitizenDetails(name="An Peeters", email="an@example.be", question="Nieuwe eID")
        ).appointment
    room = enter_room(client, appointment)
    assert "data-balie-documents" in client.get(room).content.decode()
    features([])
    assert "data-balie-documents" not in client.get(room).content.decode()


def test_citizen_routes_of_switched_off_features_are_not_found(client, features, counter_page, phone_session):
    features([])
    assert client.get("/digitale-balie/identity/jwks.json").status_code == 404
    assert client.post("/digitale-balie/callbacks/payments/demo/", {"id": "x"}).status_code == 404
    base = counter_page.url.rstrip("/")
    for route in ("pay/1/", "verify/1/", "sign/1/", "form/1/", "documents/1/", "feedback/"):
        assert client.get(f"{base}/{route}").status_code == 404, route
    assert client.get(f"{base}/book/{phone_session.service.slug}/").status_code == 200  # booking stays
    features(list(Feature))
    assert client.get("/digitale-balie/identity/jwks.json").status_code == 200


def test_blocks_of_switched_off_features_are_not_offered_rendered_or_accepted(features, counter_page, client):
    block = CounterStreamBlock()
    offered = [child.name for child in block.ordered_child_blocks()]
    assert {"payment", "identity_verification", "feedback"} <= set(offered)
    counter_page.body = [
        ("appointment_booking", {"heading": "Maak een afspraak", "intro": "", "services": []}),
        ("payment", {"heading": "Betalen met een code", "intro": ""}),
    ]
    counter_page.save_revision().publish()
    assert "Betalen met een code" in client.get(counter_page.url).content.decode()

    features([])
    offered = [child.name for child in block.ordered_child_blocks()]
    assert "payment" not in offered and "identity_verification" not in offered and "feedback" not in offered
    assert "appointment_booking" in offered and "video_room" in offered
    html = client.get(counter_page.url).content.decode()
    assert "Betalen met een code" not in html and "Maak een afspraak" in html
    stored = [{"type": "payment", "value": {"heading": "x", "intro": ""}, "id": "1"}]
    assert len(block.to_python(stored)) == 0
    features(["payments"])
    value = block.to_python(stored)
    features([])
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        block.clean(value)
    assert "Switched off on this site: payment." in str(refused.value.non_block_errors)


def test_application_forms_cannot_be_added_while_forms_are_off(features, site):
    assert ApplicationFormPage.can_create_at(site.root_page)
    features([])
    assert not ApplicationFormPage.can_create_at(site.root_page)


def test_an_ended_call_writes_no_case_record_and_asks_no_feedback(
    features, phone_session, clerk, django_capture_on_commit_callbacks
):
    features([])
    with django_capture_on_commit_callbacks(execute=True):
        sessions.start_call(phone_session, clerk)
        sessions.end_call(phone_session, clerk, outcome="resolved")
    phone_session.refresh_from_db()
    assert not CaseRecord.objects.filter(session=phone_session).exists()
    assert not may_answer(phone_session)
    features(list(Feature))
    assert may_answer(phone_session)  # the same conversation, feedback on: it would be asked


def test_no_check_or_demo_provider_of_a_switched_off_feature(features, settings):
    settings.DEBUG = False
    settings.DIGITALE_BALIE = {key: value for key, value in settings.DIGITALE_BALIE.items() if key != "DOCUMENTS_ROOT"}
    kinds = {registry.kind for registry in all_registries()}
    assert {"PAYMENTS", "SIGNING", "CRM", "ANTIVIRUS"} <= kinds
    assert "digitale_balie.E010" in package_check_ids()  # documents on, and nowhere to keep them
    features([])
    assert {registry.kind for registry in all_registries()} == {"SMS", "VIDEO"}
    found = package_check_ids()
    assert "digitale_balie.E010" not in found  # DOCUMENTS_ROOT is not needed without documents
    assert not [message for message in checks.run_checks() if "demo identity" in message.msg]
    demo_kinds = [message.msg for message in checks.run_checks() if message.id == "digitale_balie.W001"]
    assert demo_kinds and all("SMS" in text or "VIDEO" in text for text in demo_kinds), demo_kinds


def test_a_feature_without_its_extra_or_its_base_is_an_error(features):
    features(["signing", "forms"])
    missing = {"pyhanko"}
    real_find_spec = package_checks.find_spec
    with mock.patch.object(package_checks, "find_spec", lambda name: None if name in missing else real_find_spec(name)):
        errors = [message for message in package_checks.check_features(None) if message.id == "digitale_balie.E012"]
    assert len(errors) == 1 and '"signing" extra' in errors[0].msg
    assert "digitale-balie-plugin[signing]" in errors[0].hint
    needs = [message for message in package_checks.check_features(None) if message.id == "digitale_balie.E013"]
    assert len(needs) == 1 and '"documents" feature' in needs[0].msg  # signing signs the conversation's documents
    features(["signing", "documents", "forms"])
    assert package_checks.check_features(None) == []


def test_an_unknown_feature_name_is_refused_not_ignored(features):
    features(["payment"])  # a typo must not switch payments off silently
    [error] = package_checks.check_features(None)
    assert error.id == "digitale_balie.E012" and '"payments"' in error.msg


def test_features_must_be_a_list(settings):
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "FEATURES": "payments"}  # not a list: refused, not split
    [error] = package_checks.check_features(None)
    assert error.id == "digitale_balie.E012" and "a list of feature names" in error.msg
