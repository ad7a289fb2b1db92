"""Export and erasure for a citizen: everything found, nothing of anyone else; the admin screen around it."""

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitale_balie_plugin.identity.national_number import keyed_hash
from digitale_balie_plugin.models import (
    Appointment,
    AuditEvent,
    CallSession,
    Document,
    Feedback,
    IdentityVerification,
    Payment,
)
from digitale_balie_plugin.retention import rights
from tests.fixtures import at
from tests.retention.citizen_data import citizen, verify

pytestmark = pytest.mark.django_db(transaction=True)

AN, BERT = "85041212369", "90010112395"


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path / "docs")}):
        yield tmp_path / "docs"


@pytest.fixture
def people(site, service, seat):
    """An and Bert booked the same service at the same seat on the same day; Bert also had a phone call
    without appointment, and was verified in An's conversation (he came along for their child's papers)."""
    an = citizen(site, service, seat, marker="AnPeeters", email="An.Peeters@example.be", number=AN, start=at(7, 9))
    bert = citizen(site, service, seat, marker="BertJanssens", email="bert@example.be", number=BERT, start=at(7, 10))
    bert_phone = citizen(
        site, service, seat, marker="BertTelefoon", email="", number=BERT, appointment=False, start=at(7, 11)
    )
    Feedback.objects.create(site=site, source="page", service=service, seat=seat, satisfaction=2, comment="anoniem")
    bert_in_ans = verify(an.session, "BertInAns", BERT)
    return {"an": an, "bert": bert, "bert_phone": bert_phone, "bert_in_ans": bert_in_ans}


def text(exported) -> str:
    return json.dumps(exported, ensure_ascii=False)


def berts_data(site) -> dict:
    exported = rights.export(rights.find(site, email="bert@example.be", identity_hash=keyed_hash(BERT)))
    exported.pop("generated_at")
    return exported


def test_export_by_address_and_number_finds_everything_of_one_citizen_and_nothing_of_another(people, site):
    exported = rights.export(rights.find(site, email="an.peeters@EXAMPLE.be", identity_hash=keyed_hash(AN)))
    assert exported["schema"] == "digitale-balie/citizen-export/1"
    assert rights.counts(exported) == {
        "appointments": 1,
        "conversations": 1,
        "in_call_actions": 5,  # message, verification, payment, form, signature: not Bert's verification
        "identity_verifications": 1,
        "payments": 1,
        "documents": 1,
        "signature_requests": 1,
        "application_forms": 1,
        "feedback": 1,
    }
    dumped = text(exported)
    for personal in (
        "AnPeeters",  # name in the appointment, conversation, verification, form, signature, feedback
        "An.Peeters@example.be",
        "0470 11 22 33",
        "Vraag van AnPeeters",
        "Notities over AnPeeters",
        "Even geduld, AnPeeters",
        "Bericht voor AnPeeters",
        "Straat van AnPeeters 1",
        "Commentaar van AnPeeters",
        "AnPeeters-loonfiche.pdf",
        people["an"].payment.reference,
        "1985-04-12",
    ):
        assert personal in dumped, personal
    assert "Bert" not in dumped and "bert@" not in dumped and "anoniem" not in dumped
    assert AN not in dumped and keyed_hash(AN) not in dumped  # no raw identifiers
    json.loads(json.dumps(exported))  # plain JSON


def test_by_address_alone_a_shared_conversation_gives_nobodys_verified_identity(people, site):
    dumped = text(rights.export(rights.find(site, email="an.peeters@example.be")))
    assert "AnPeeters" in dumped and "Bert" not in dumped


def test_by_number_alone_the_citizen_gets_their_own_call_and_only_their_part_of_someone_elses(people, site):
    exported = rights.export(rights.find(site, identity_hash=keyed_hash(BERT)))
    dumped = text(exported)
    assert [c["citizen_name"] for c in exported["conversations"]] == ["BertTelefoon"]
    names = sorted(v["given_name"] for v in exported["identity_verifications"])
    assert names == ["BertInAns", "BertJanssens", "BertTelefoon"]
    assert "AnPeeters" not in dumped and "An.Peeters" not in dumped


def test_erasure_clears_everything_of_one_citizen_and_leaves_the_other_untouched(people, site, documents_root, clerk):
    bert_before = berts_data(site)
    an = people["an"]
    found = rights.find(site, email="an.peeters@example.be", identity_hash=keyed_hash(AN))
    erased = rights.erase(found, user=clerk)
    assert erased["appointments"] == erased["sessions"] == erased["identities"] == erased["payments"] == 1
    assert erased["documents"] == 1 and erased["feedback"] == 1
    after = text(rights.export(rights.find(site, email="an.peeters@example.be", identity_hash=keyed_hash(AN))))
    assert "AnPeeters" not in after
    for model, field in ((Appointment, "email"), (CallSession, "citizen_name"), (Feedback, "contact_email")):
        assert not model.objects.filter(**{f"{field}__icontains": "peeters"}).exists()
    payment = Payment.objects.get(pk=an.payment.pk)  # kept for the books
    assert payment.receipt_email == "" and payment.reference == an.payment.reference and payment.status == "paid"
    document = Document.objects.get(pk=an.document.pk)
    assert document.deleted_reason == "erasure" and document.name == ""
    assert not (documents_root / document.storage_name).exists()
    assert (documents_root / people["bert"].document.storage_name).exists()
    assert IdentityVerification.objects.get(pk=people["bert_in_ans"].pk).given_name == "BertInAns"
    assert berts_data(site) == bert_before
    event = AuditEvent.objects.get(action="personal_data.erased")
    assert event.actor == clerk and event.data == erased and "peeters" not in str(event.data).lower()


def test_erasure_by_number_leaves_the_conversation_it_shared_alone(people, site, clerk):
    rights.erase(rights.find(site, identity_hash=keyed_hash(BERT)), user=clerk)
    assert IdentityVerification.objects.get(pk=people["bert_in_ans"].pk).given_name == ""
    an = CallSession.objects.get(pk=people["an"].session.pk)
    assert an.citizen_name == "AnPeeters" and an.notes == "Notities over AnPeeters"
    assert CallSession.objects.get(pk=people["bert_phone"].session.pk).citizen_name == ""
    assert Appointment.objects.get(pk=people["bert"].appointment.pk).email == "bert@example.be"  # not found by number


def test_a_future_appointment_is_cancelled_when_erased(site, service, seat, clerk, frozen_now):
    future = citizen(site, service, seat, marker="Later", email="later@example.be", number=AN, start=at(9, 10))
    rights.erase(rights.find(site, email="later@example.be"), user=clerk)
    appointment = Appointment.objects.get(pk=future.appointment.pk)
    assert appointment.status == "cancelled" and not appointment.reservations.exists()


def test_the_export_costs_the_same_queries_for_one_or_many_rows(people, site, service, seat):
    def export_an():
        return rights.export(rights.find(site, email="an.peeters@example.be", identity_hash=keyed_hash(AN)))

    with CaptureQueriesContext(connection) as one:
        export_an()
    for hour in (14, 15, 16):
        citizen(site, service, seat, marker="AnPeeters", email="an.peeters@example.be", number=AN, start=at(6, hour))
    assert len(one) <= 25
    from pytest_django.asserts import assertNumQueries

    with assertNumQueries(len(one)):
        exported = export_an()
    assert rights.counts(exported)["conversations"] == 4


# --- the admin screen -------------------------------------------------------------------------------

URL = "/admin/digitale-balie/citizen-data/"


def staff(django_user_model, name, *perms):
    user = django_user_model.objects.create_user(name, password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.user_permissions.add(Permission.objects.get(codename="view_all_seats"))  # any site (test_admin_scope.py)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def manager(django_user_model):
    return staff(django_user_model, "privacy", "manage_personal_data")


def search(client, site, **fields):
    return client.post(URL, {"site": site.pk, "step": "preview", **fields})


def test_only_staff_with_the_permission_reach_the_screen(people, site, django_user_model, manager):
    assert reverse("digitale_balie_citizen_data") == URL
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    _clerk, clerk_client = staff(django_user_model, "loket", "work_at_counter")
    assert clerk_client.get(URL).status_code in (302, 403)
    denied = search(clerk_client, site, email="an.peeters@example.be")
    assert denied.status_code in (302, 403) and b"AnPeeters" not in denied.content
    _user, client = manager
    page = client.get(URL)
    assert page.status_code == 200 and "Gegevens van een burger" in page.content.decode()


def test_search_preview_shows_counts_and_never_the_number(people, site, manager):
    _user, client = manager
    page = search(client, site, email="an.peeters@example.be", number="85.04.12-123.69").content.decode()
    assert "Wat we vonden" in page and "Downloaden (JSON)" in page and "Wissen" in page
    assert "85.04.12-123.69" not in page and AN not in page and keyed_hash(AN) in page
    assert not AuditEvent.objects.filter(action__startswith="personal_data.").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Vul een e-mailadres, een rijksregisternummer of allebei in."),
        ({"number": "85041212368"}, "Dit is geen geldig rijksregisternummer."),
        ({"email": "geen-adres"}, "geldig e-mailadres"),
        ({"identity_hash": "<script>"}, "Voer een geldige waarde in."),
    ],
)
def test_bad_input_gets_a_clear_error(people, site, manager, fields, message):
    _user, client = manager
    response = search(client, site, **fields)
    assert response.status_code == 200 and message in response.content.decode()


def test_download_is_a_json_attachment_and_is_audited(people, site, manager):
    user, client = manager
    response = client.post(
        URL, {"site": site.pk, "email": "an.peeters@example.be", "identity_hash": keyed_hash(AN), "step": "download"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="citizen-data-')
    assert "no-store" in response["Cache-Control"]
    exported = json.loads(response.content)
    assert exported["schema"] == "digitale-balie/citizen-export/1" and exported["appointments"][0]["citizen_name"]
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.actor == user and event.data["conversations"] == 1 and "peeters" not in str(event.data).lower()


def test_erasure_needs_a_post_and_a_confirmation(people, site, manager):
    _user, client = manager
    state = {"site": site.pk, "email": "an.peeters@example.be", "identity_hash": keyed_hash(AN)}
    assert client.get(URL, {**state, "step": "erase_confirmed"}).status_code == 200
    confirm = client.post(URL, {**state, "step": "erase"}).content.decode()
    assert "Dit kan niet ongedaan worden gemaakt." in confirm and "Ja, wissen" in confirm
    assert Appointment.objects.filter(email__iexact="an.peeters@example.be").exists()  # not yet
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(_user)
    assert strict.post(URL, {**state, "step": "erase_confirmed"}).status_code == 403
    done = client.post(URL, {**state, "step": "erase_confirmed"}, follow=True).content.decode()
    assert "De gegevens van de burger zijn gewist." in done
    assert not Appointment.objects.filter(email__iexact="an.peeters@example.be").exists()
    assert Appointment.objects.filter(email="bert@example.be").exists()
    assert AuditEvent.objects.filter(action="personal_data.erased").count() == 1


def test_the_menu_item_is_only_shown_with_the_permission(people, django_user_model, manager):
    _user, client = manager
    assert URL in client.get("/admin/").content.decode()
    _clerk, clerk_client = staff(django_user_model, "loket2", "work_at_counter")
    assert URL not in clerk_client.get("/admin/").content.decode()
