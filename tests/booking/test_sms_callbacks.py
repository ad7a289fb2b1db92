"""Delivery reports reach the notification they belong to; forged ones change nothing."""

import pytest

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.integrations.sms.demo import sign_demo_report
from digitale_balie_plugin.models import Notification
from digitale_balie_plugin.tasks import send_due_reminders_task
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/digitale-balie/callbacks/sms/demo/"


@pytest.fixture
def sms(service, seat, counter_page, frozen_now):
    booking.book_appointment(
        service,
        at(10, 10),
        booking.CitizenDetails(name="An", email="an@example.be", phone="0470123456", sms_consent=True),
    )
    frozen_now.move_to(at(9, 10, 30))
    send_due_reminders_task()
    return Notification.objects.get(channel="sms")


def test_a_signed_report_is_stored(client, sms):
    data = {
        "id": sms.provider_message_id,
        "status": "delivered",
        "signature": sign_demo_report(sms.provider_message_id, "delivered"),
    }
    assert client.post(URL, data).status_code == 200
    sms.refresh_from_db()
    assert sms.delivery_status == "delivered"


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_a_forged_report_is_refused_with_a_reason(client, sms, signature):
    response = client.post(URL, {"id": sms.provider_message_id, "status": "failed", "signature": signature})
    assert response.status_code == 400 and b"Invalid callback" in response.content
    sms.refresh_from_db()
    assert sms.delivery_status == "sent"


def test_unknown_ids_answer_200_and_change_nothing(client, sms):
    data = {"id": "demo-unknown", "status": "delivered", "signature": sign_demo_report("demo-unknown", "delivered")}
    assert client.post(URL, data).status_code == 200
    assert not Notification.objects.filter(delivery_status="delivered").exists()


def test_other_providers_and_methods(client, db):
    assert client.post("/digitale-balie/callbacks/sms/twilio/", {}).status_code == 404
    assert client.get(URL).status_code == 405


def test_a_late_sent_does_not_overwrite_delivered(client, sms):
    for status in ["delivered", "sent", "queued"]:
        data = {
            "id": sms.provider_message_id,
            "status": status,
            "signature": sign_demo_report(sms.provider_message_id, status),
        }
        assert client.post(URL, data).status_code == 200
    sms.refresh_from_db()
    assert sms.delivery_status == "delivered"
