"""Admin screens people can read (issue 15): the case record, the notification filter, the clerk's slot list."""

import re

import pytest
import responses
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.models import CaseRecord, Notification
from tests.admin_pages import client_for

pytestmark = pytest.mark.django_db(transaction=True)

CRM_URL = "https://crm.stad.example/hooks/balie"
WEBHOOK = {"CRM": {"BACKEND": "webhook", "OPTIONS": {"URL": CRM_URL, "SECRET": "s" * 48}}}


def admin_in(django_user_model, language="nl"):
    return client_for(django_user_model.objects.create_superuser(f"admin-{language}", "a@example.be", "pw"), language)


@override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **WEBHOOK})
def test_the_case_record_reads_as_a_list_with_its_attempts(phone_session, clerk, django_user_model):
    with responses.RequestsMock() as crm:
        crm.post(CRM_URL, status=503)
        sessions.end_call(phone_session, clerk, outcome="resolved", notes="Parkeerkaart aangevraagd")
    case = CaseRecord.objects.get()
    client = admin_in(django_user_model)
    page = client.get(reverse("digitale_balie_caserecord_modeladmin_inspect", args=[case.pk])).content.decode()
    record = page[page.index("data-balie-record") :]
    # What was sent, with Dutch labels and values, not the JSON's keys and codes.
    assert "<dt>Kanaal</dt><dd>Telefoongesprek</dd>" in record and "<dt>Uitkomst</dt><dd>Opgelost</dd>" in record
    assert "Parkeerkaart aangevraagd" in record and '"channel"' not in record.split("<details")[0]
    # To which CRM, and the attempt with its time and outcome.
    assert "Webhook (JSON + HMAC-SHA256)" in page
    attempts = page[page.index("data-balie-attempts") : page.index("</table>", page.index("data-balie-attempts"))]
    assert re.search(r"Poging 1 mislukt\. .*opnieuw", attempts) and "2026" in attempts
    # The JSON itself stays, folded, for support staff.
    assert re.search(r"<details[^>]*>\s*<summary>", page) and "&quot;channel&quot;: &quot;phone&quot;" in page


def test_the_notification_list_names_every_delivery_filter(service, seat, counter_page, django_user_model):
    from digitale_balie_plugin.booking import service as booking
    from tests.fixtures import at

    booking.book_appointment(service, at(8, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    Notification.objects.update(delivery_status="")
    client = admin_in(django_user_model)
    listing = client.get(reverse("digitale_balie_notification_modeladmin_index")).content.decode()
    assert not re.search(r"<a [^>]*>\s*</a>", listing)  # no empty link (the empty delivery status was one)
    assert "Geen melding" in listing and "Afgeleverd" in listing
    only_unreported = client.get(reverse("digitale_balie_notification_modeladmin_index"), {"delivery": "none"})
    assert only_unreported.status_code == 200 and "An" in only_unreported.content.decode()


@pytest.mark.parametrize(
    ("language", "day", "time", "name"),
    [
        ("nl", "maandag 7 december 2026", "09:00 (nog 1 vrij)", "Naam van de burger"),
        ("fr", "lundi 7 décembre 2026", "09:00 (places libres : 1)", "Nom du citoyen"),
    ],
)
def test_the_clerks_slot_list_speaks_the_admins_language(service, seat, django_user_model, language, day, time, name):
    client = admin_in(django_user_model, language)
    page = client.get(reverse("digitale_balie_book_on_behalf"), {"service": service.pk}).content.decode()
    assert f'<optgroup label="{day}">' in page and time in page
    assert not re.search(r">(Mon|Tue|Wed|Thu|Fri) \d", page) and "(1)" not in page
    assert name in page and "Uw naam" not in page and "Votre nom" not in page  # the clerk books for someone else


def test_csv_exports_keep_the_readers_language(service, seat, counter_page, django_user_model):
    """A CSV is streamed after the view returned: its headings used to fall back to the site's language."""
    from digitale_balie_plugin.booking import service as booking
    from tests.fixtures import at

    booking.book_appointment(service, at(8, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    client = admin_in(django_user_model, "fr")
    export = client.get(reverse("digitale_balie_appointment_modeladmin_index"), {"export": "csv"})
    headings = b"".join(export.streaming_content).decode().splitlines()[0]
    assert "Référence" in headings or "référence" in headings, headings


def test_a_record_of_any_shape_is_shown_never_a_500():
    from digitale_balie_plugin.cms.case_records import record_actions, record_fields

    odd = {"started_at": "2026-13-45T10:00:00", "ended_at": 5, "channel": "fax", "actions": ["x", {"result": 3}]}
    assert dict(record_fields(odd)) == {"Begonnen": "2026-13-45T10:00:00", "Afgelopen": "5", "Kanaal": "fax"}
    assert record_actions(odd) == [{"label": "", "status": "–", "result": []}]
    assert record_actions({"actions": []}) == []
