"""Hand-over of in-call actions outside the call page: short code, link, QR — and who may take them."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.models import ActionStatus, AuditEvent, InCallAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def verification(phone_session, clerk):
    return create_action(phone_session, "verify_identity", {}, by_user=clerk)


def code_url(counter_page):
    return counter_page.url + "code/"


def test_a_code_is_8_characters_from_31_symbols_and_only_its_hash_is_stored(verification):
    code = handover.issue_code(verification)
    assert len(code) == 8 and set(code) <= set(handover.CODE_ALPHABET) and len(handover.CODE_ALPHABET) == 31
    assert handover.current_code(verification) == code  # shown again after a reload: derived, not stored
    stored = InCallAction.objects.filter(pk=verification.pk).values().get()
    assert not any(code in str(value) for value in stored.values())
    assert stored["code_hash"] and stored["code_locator"] == code[:2]
    assert AuditEvent.objects.filter(action="action.code_issued", object_id=str(verification.pk)).exists()


def test_a_code_works_once(verification, counter_page):
    code = handover.issue_code(verification)
    first = Client()
    response = first.post(code_url(counter_page), {"code": handover.format_code(code).lower()})
    assert response.status_code == 302 and response["Location"].endswith(f"/verify/{verification.pk}/")
    verification.refresh_from_db()
    assert verification.status == ActionStatus.OPENED and verification.claim_hash
    assert handover.redeem_code(code) is None
    assert Client().post(code_url(counter_page), {"code": code}).status_code == 400


def test_five_wrong_codes_lock_the_request_even_the_right_code_then_fails(verification, counter_page):
    code = handover.issue_code(verification)
    wrong = code[:2] + ("222222" if code[2:] != "222222" else "333333")
    client = Client()
    for _ in range(5):
        response = client.post(code_url(counter_page), {"code": wrong})
        assert response.status_code == 400
        assert "Deze code werkt niet" in response.content.decode()
    response = client.post(code_url(counter_page), {"code": code})  # the sixth attempt: locked
    assert response.status_code == 400
    verification.refresh_from_db()
    assert verification.code_locked and handover.code_state(verification) == "locked"
    assert AuditEvent.objects.filter(action="action.code_locked", object_id=str(verification.pk)).exists()
    fresh = handover.issue_code(verification)  # the clerk gives a new code with one click
    assert client.post(code_url(counter_page), {"code": fresh}).status_code == 302


def test_a_code_from_another_request_never_opens_this_one(phone_session, clerk, counter_page):
    first = create_action(phone_session, "verify_identity", {}, by_user=clerk)
    second = create_action(phone_session, "verify_identity", {}, by_user=clerk)
    code_first, code_second = handover.issue_code(first), handover.issue_code(second)
    assert code_first[:2] != code_second[:2]  # each open code has its own locator
    assert handover.redeem_code(code_first).pk == first.pk
    assert handover.redeem_code(code_second).pk == second.pk


def test_an_expired_or_withdrawn_code_does_not_work(verification, frozen_now):
    code = handover.issue_code(verification)
    frozen_now.shift(timedelta(minutes=11))
    assert handover.redeem_code(code) is None
    assert handover.code_state(verification) == "expired"


@override_settings(DIGITALE_BALIE={"CODE_RATE_LIMIT": (3, 600), "IDENTITY_HASH_KEY": "k"})
def test_codes_are_rate_limited_per_client(verification, counter_page):
    client = Client()
    for _ in range(3):
        assert client.post(code_url(counter_page), {"code": "ABCD EFGH"}).status_code == 400
    assert client.post(code_url(counter_page), {"code": "ABCD EFGH"}).status_code == 429


def test_the_link_belongs_to_the_first_browser_that_opens_it(verification, counter_page):
    raw = handover.link_token(verification)
    assert len(raw) >= 43 and handover.link_token(verification) == raw  # the same link when shown again
    stored = InCallAction.objects.filter(pk=verification.pk).values().get()
    assert not any(raw in str(value) for value in stored.values())
    citizen, other, scanner = Client(), Client(), Client()
    url = counter_page.url + f"take/{raw}/"
    for _ in range(3):  # a mail or SMS link scanner opens it first: nothing is taken (issue 16)
        assert scanner.head(url).status_code == 200
        page = scanner.get(url)
        assert page.status_code == 200 and "data-balie-take" in page.content.decode()
        assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    verification.refresh_from_db()
    assert not verification.claim_hash and verification.status == "sent"  # not "opened"
    response = citizen.post(url)  # the citizen's "Continue"
    assert response.status_code == 302 and response["Referrer-Policy"] == "same-origin"
    assert citizen.get(response["Location"]).status_code == 200  # the consent page
    assert citizen.get(url).status_code == 302  # the same browser may come back
    assert other.get(url).status_code == 410  # anyone else: "already used"
    assert other.post(url).status_code == 410
    assert scanner.get(url).status_code == 410
    assert other.get(response["Location"]).status_code == 404


def test_a_withdrawn_request_kills_link_and_code(verification, clerk, counter_page):
    from digitale_balie_plugin.actions.service import cancel

    raw, code = handover.link_token(verification), handover.issue_code(verification)
    assert cancel(verification, by_user=clerk)
    assert Client().get(counter_page.url + f"take/{raw}/").status_code == 404
    assert handover.redeem_code(code) is None


def test_the_citizen_cannot_mark_a_verification_done_from_the_call_page(verification, client):
    """Only the identity provider's answer completes it (the simple action endpoint refuses)."""
    from django.urls import reverse

    from digitale_balie_plugin.models import ParticipantAccess

    session = verification.session
    raw, _access = ParticipantAccess.issue(session, "citizen", "Jan")
    client.cookies[f"balie_room_{session.pk}"] = raw
    url = reverse("digitale_balie:room_action", args=[session.pk, verification.pk])
    assert client.post(url, {"done": "1"}).status_code == 403
    verification.refresh_from_db()
    assert verification.status == ActionStatus.SENT


@pytest.fixture
def console_clerk(clerk, seat):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Clerks")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    seat.clerk_groups.add(group)
    clerk.groups.add(group)
    return clerk


def command(client, seat, session, name, **data):
    from django.urls import reverse

    url = reverse("digitale_balie_session_command", args=[seat.pk, session.pk, name])
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_the_clerk_sends_the_link_by_sms_or_e_mail(client, console_clerk, seat, verification):
    from django.core import mail

    from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider

    DemoSmsProvider.clear()
    client.force_login(console_clerk)
    session = verification.session
    response = command(client, seat, session, "send-link", action=verification.pk, to="jan@example.be")
    assert response.status_code == 200, response.content
    assert "/take/" in mail.outbox[-1].body and "Sofie" in mail.outbox[-1].body
    response = command(client, seat, session, "send-link", action=verification.pk, to="0470 12 34 56")
    assert response.status_code == 200 and DemoSmsProvider.outbox[-1].to == "+32470123456"
    assert "/take/" in DemoSmsProvider.outbox[-1].body
    bad = command(client, seat, session, "send-link", action=verification.pk, to="not a number")
    assert bad.status_code == 400 and bad.json()["messages"][0]["level"] == "error"
    assert AuditEvent.objects.filter(action="action.link_sent").count() == 2


def test_console_commands_answer_json_and_refuse_other_seats_actions(client, console_clerk, seat, verification):
    client.force_login(console_clerk)
    response = command(client, seat, verification.session, "code", action=verification.pk)
    assert response.status_code == 200
    [message] = response.json()["messages"]
    verification.refresh_from_db()
    assert handover.format_code(handover.current_code(verification)) in message["text"]
    assert command(client, seat, verification.session, "code", action=999999).status_code == 404
    page = client.get(f"/admin/digitale-balie/counter/{seat.pk}/")
    assert handover.format_code(handover.current_code(verification)) in page.content.decode()
    assert 'class="segno"' in page.content.decode()  # the QR code, server-rendered


@override_settings(SOCIAL_AUTH_BALIE_ITSME_ENVIRONMENT="prd", SOCIAL_AUTH_BALIE_FAS_ENVIRONMENT="prod")
def test_the_consent_page_may_send_its_form_on_to_the_identity_providers(verification, counter_page):
    """Browsers apply form-action to the redirect after the POST: the providers' origins must be allowed."""
    citizen = Client()
    code = handover.issue_code(verification)
    consent = citizen.get(citizen.post(code_url(counter_page), {"code": code})["Location"])
    policy = consent["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert "'self'" in form_action and "https://idp.prd.itsme.services" in form_action
    assert "https://idp.iamfas.belgium.be" in form_action and "unsafe-inline" not in policy
