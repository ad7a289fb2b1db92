"""Case records after the call: the documented payload, signed webhook delivery, retries, exactly once."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import requests
import responses
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.cases import service
from digitale_balie_plugin.integrations.crm.webhook import SIGNATURE_HEADER
from digitale_balie_plugin.models import AuditEvent, CaseRecord, CaseStatus
from digitale_balie_plugin.signals import case_registered

pytestmark = pytest.mark.django_db(transaction=True)

URL = "https://crm.stad.example/hooks/balie"
SECRET = "s" * 48
WEBHOOK = {"CRM": {"BACKEND": "webhook", "OPTIONS": {"URL": URL, "SECRET": SECRET}}}


def verify(request) -> dict:
    """What a receiver does: recompute the HMAC over "<t>." + body and compare in constant time."""
    parts = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected), "signature does not match"
    body = json.loads(request.body)
    assert request.headers["Idempotency-Key"] == body["idempotency_key"]
    return body


def end(session, clerk, notes="Parkeerkaart aangevraagd"):
    return sessions.end_call(session, clerk, outcome="resolved", notes=notes)


def test_ending_a_call_registers_one_case_with_the_documented_record(phone_session, clerk):
    seen = []
    case_registered.connect(lambda **kw: seen.append(kw["reference"]), weak=False, dispatch_uid="case")
    end(phone_session, clerk)
    case = CaseRecord.objects.get()
    assert case.status == CaseStatus.SENT and case.reference.startswith("DEMO-") and seen == [case.reference]
    record = case.payload
    assert record["schema"] == "digitale-balie/case-record/1" and record["idempotency_key"] == case.idempotency_key
    assert {"service", "channel", "started_at", "ended_at", "outcome", "clerk", "notes", "follow_up", "actions"} <= set(
        record
    )
    assert record["channel"] == "phone" and record["notes"] == "Parkeerkaart aangevraagd" and record["clerk"] == "sofie"
    assert "@" not in json.dumps(record)  # no e-mail addresses (and never a national number)
    service.register_case(phone_session)  # a second end signal changes nothing
    assert CaseRecord.objects.count() == 1
    case_registered.disconnect(dispatch_uid="case")


@override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **WEBHOOK})
def test_the_webhook_is_signed_and_carries_the_idempotency_key(phone_session, clerk):
    with responses.RequestsMock() as crm:
        crm.post(URL, json={"reference": "CRM-123"}, status=201)
        end(phone_session, clerk)
        body = verify(crm.calls[0].request)
    case = CaseRecord.objects.get()
    assert body == case.payload and case.reference == "CRM-123" and case.status == CaseStatus.SENT


@override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **WEBHOOK})
@pytest.mark.parametrize("failure", [{"status": 503}, {"status": 429}, {"body": requests.ReadTimeout("slow")}])
def test_retries_with_backoff_then_exactly_one_delivery(phone_session, clerk, frozen_now, failure):
    with responses.RequestsMock() as crm:
        crm.post(URL, **failure)
        end(phone_session, clerk)
        case = CaseRecord.objects.get()
        assert case.status == CaseStatus.PENDING and case.attempts == 1 and case.last_error
        assert case.next_attempt_at == timezone.now() + timedelta(minutes=1)
        assert list(service.due()) == []  # not before its backoff
        frozen_now.shift(timedelta(minutes=1))
        crm.replace(responses.POST, URL, **failure)
        from digitale_balie_plugin.tasks import deliver_due_cases_task

        deliver_due_cases_task()
        case.refresh_from_db()
        assert case.attempts == 2 and case.next_attempt_at - timedelta(minutes=5) <= timezone.now()
        frozen_now.shift(timedelta(minutes=5))
        crm.replace(responses.POST, URL, json={"reference": "CRM-9"}, status=200)
        assert deliver_due_cases_task() == 1
        assert deliver_due_cases_task() == 0  # delivered: never again
        keys = {call.request.headers["Idempotency-Key"] for call in crm.calls}
        assert len(keys) == 1 and len(crm.calls) == 3
    case.refresh_from_db()
    assert case.status == CaseStatus.SENT and case.reference == "CRM-9"


@override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **WEBHOOK})
def test_a_refusal_is_not_retried_but_can_be_retried_by_hand(phone_session, clerk, django_user_model):
    with responses.RequestsMock() as crm:
        crm.post(URL, status=400)
        end(phone_session, clerk)
        case = CaseRecord.objects.get()
        assert case.status == CaseStatus.FAILED and case.next_attempt_at is None
        assert AuditEvent.objects.filter(action="case.delivery_failed").exists()
        admin = django_user_model.objects.create_superuser("admin", "a@example.be", "pw")
        client = Client()
        client.force_login(admin)
        listing = client.get(reverse("digitale_balie_caserecord_modeladmin_index")).content.decode()
        assert "Nu opnieuw proberen" in listing
        crm.replace(responses.POST, URL, json={}, status=200)
        url = reverse("digitale_balie_case_retry", args=[case.pk])
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SENT


def test_retry_now_needs_permission(phone_session, clerk):
    end(phone_session, clerk)
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(clerk)
    assert client.post(reverse("digitale_balie_case_retry", args=[CaseRecord.objects.get().pk])).status_code in (
        302,
        403,
    )


@override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, **WEBHOOK})
def test_a_worker_that_died_while_sending_is_replaced_and_the_key_stays_the_same(phone_session, clerk, frozen_now):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as crm:
        crm.post(URL, status=503)
        end(phone_session, clerk)
        case = CaseRecord.objects.get()
        # a worker claims it and dies before answering
        CaseRecord.objects.filter(pk=case.pk).update(
            status=CaseStatus.SENDING, next_attempt_at=None, claimed_at=case.created_at
        )
        assert service.deliver(case.pk) is False  # another worker does not send a record being sent
        frozen_now.shift(timedelta(minutes=11))
        crm.replace(responses.POST, URL, json={}, status=200)
        from digitale_balie_plugin.tasks import deliver_due_cases_task

        assert deliver_due_cases_task() == 1
        assert {call.request.headers["Idempotency-Key"] for call in crm.calls} == {case.idempotency_key}
