"""The summary after the call: one message in the citizen's language (e-mail, or SMS with a short link), a page
with the documents through a link that lives as long as they do, and the same summary from the end page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitale_balie_plugin.actions import registry
from digitale_balie_plugin.actions.registry import ActionType, SummaryEntry, register_action_type
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.calls.walk_in import take_ticket
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider
from digitale_balie_plugin.models import AuditEvent, CallSession, CounterSettings, Notification, SummaryLink
from digitale_balie_plugin.retention.job import apply_retention
from digitale_balie_plugin.summary.messages import send_summary
from digitale_balie_plugin.tasks import send_call_summary_task
from digitale_balie_plugin.tokens import hash_token
from tests.fixtures import at
from tests.summary.conversation import SUMMARY_LINK, act, book, converse, later, summary_mails, summary_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def documents_root(tmp_path):
    with override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "DOCUMENTS_ROOT": str(tmp_path / "docs")}):
        yield tmp_path / "docs"


def features(*names):
    return override_settings(DIGITALE_BALIE={**settings.DIGITALE_BALIE, "FEATURES": list(names)})


#: What the citizen reads, per language: the e-mail's subject, the page's heading, the paid payment, the verified
#: identity, the follow-up and the document list.
WORDS = {
    "nl": ("samenvatting van uw gesprek", "Samenvatting van uw gesprek", "Betaald", "Uw identiteit is gecontroleerd."),
    "fr": ("résumé de votre entretien", "Résumé de votre entretien", "Payé", "Votre identité a été vérifiée."),
    "en": ("summary of your conversation", "Summary of your conversation", "Paid", "Your identity was verified."),
}


def downloads(page) -> list[str]:
    return re.findall(r'href="([^"]+/documents/[^"]+)" download', page.content.decode())


# --- the e-mail --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_one_summary_e_mail_in_the_citizens_language_with_a_page_and_its_documents(
    language, service, seat, clerk, counter_page
):
    appointment = book(service, at(7, 10), language=language)
    done = converse(appointment, clerk, follow_up_at=at(9, 10))
    subject, heading, paid, verified = WORDS[language]
    [message] = summary_mails("an@example.be")
    assert subject in message.subject.lower() and "Sofie" in message.body and "€ 12" in message.body
    assert "contract-getekend.pdf" in message.body and "loonfiche.pdf" in message.body
    assert "/manage/" in message.body  # the follow-up's own manage link, as the booking sends it
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html and verified in html
    notification = Notification.objects.get(kind="summary")
    assert (notification.channel, notification.status) == ("email", "sent")
    assert notification.session == done.session and notification.appointment == appointment

    page = Client().get(summary_path(message.body))
    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer" and f'<html lang="{language}"' in text
    assert heading in text and paid in text and verified in text and "Sofie" in text
    assert "85041212369" not in text and "DB-" in text  # the receipt's reference, never a national number
    assert len(downloads(page)) == 3  # both documents exchanged and the signed PDF
    assert "balie-summary-entries" in text and "Rijbewijs" in text


def test_the_summary_page_offers_the_follow_ups_manage_page_through_a_post(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk, follow_up_at=at(9, 10))
    path = summary_path(summary_mails("an@example.be")[0].body)
    citizen = Client()
    assert "Uw volgende afspraak" in citizen.get(path).content.decode()
    assert citizen.get(path + "appointment/").status_code == 405  # no GET changes anything
    moved = citizen.post(path + "appointment/")
    assert moved.status_code == 302 and "/manage/" in moved["Location"]
    assert done.follow_up.reference in citizen.get(moved["Location"]).content.decode()


def test_a_download_is_an_audited_sandboxed_attachment(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk)
    citizen = Client()
    page = citizen.get(summary_path(summary_mails("an@example.be")[0].body))
    before = AuditEvent.objects.filter(action="document.downloaded").count()
    for url in downloads(page) * 2:  # not single-use: the citizen may come back
        response = citizen.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    events = AuditEvent.objects.filter(action="document.downloaded").order_by("pk")[before:]
    assert len(events) == 6 and all(e.data["via"] == "summary" and e.actor_label == "citizen" for e in events)
    assert {int(e.object_id) for e in events} == {done.citizen_document.pk, done.clerk_document.pk, done.signed.pk}


# --- the SMS, the walk-in, nobody to write to ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_caller_without_e_mail_gets_an_sms_with_a_short_link(language, service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10), email="", phone="+32470123456", language=language)
    DemoSmsProvider.clear()
    converse(appointment, clerk)
    [sms] = [message for message in DemoSmsProvider.outbox if "/summary/" in message.body]
    assert sms.to == "+32470123456" and not summary_mails("")
    path, token = SUMMARY_LINK.search(sms.body).groups()
    assert len(token) == 22  # 128 bits: the link fits in the message
    assert (language == "nl") == (f"/{language}/" not in path)
    notification = Notification.objects.get(kind="summary")
    assert notification.channel == "sms" and notification.provider == "demo"
    page = Client().get(path)
    assert page.status_code == 200 and WORDS[language][1] in page.content.decode()


def test_an_unconfirmed_address_gets_no_documents_but_the_phone_does(service, seat, clerk, counter_page):
    """A clerk took the address down by phone and the citizen never confirmed it: it may be a stranger's."""
    citizen = booking_on_behalf(service, email="typo@example.be", phone="+32470123456")
    converse(citizen, clerk, actions=False)
    assert not summary_mails("typo@example.be")
    assert [m.to for m in DemoSmsProvider.outbox if "/summary/" in m.body] == ["+32470123456"]


def booking_on_behalf(service, **contact):
    details = booking.CitizenDetails(name="Jan", **contact)
    return booking.book_appointment(service, at(7, 10), details, booked_via="phone").appointment


def test_a_walk_in_gets_the_summary_at_the_address_they_typed(service, seat, clerk, counter_page, frozen_now):
    frozen_now.move_to(at(7, 9, 30))
    joined = take_ticket(service, name="Piet", contact="piet@example.be")
    converse(joined.session, clerk, actions=False)
    [message] = summary_mails("piet@example.be")
    assert Notification.objects.get(kind="summary").appointment is None
    assert Client().get(summary_path(message.body)).status_code == 200


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_walk_in_gets_the_summary_in_the_language_of_the_walk_in_form(
    language, service, seat, clerk, counter_page, frozen_now
):
    frozen_now.move_to(at(7, 9, 30))
    counter_page.body = [("video_room", {"heading": "", "intro": "", "services": []})]
    counter_page.save_revision().publish()
    prefix = "" if language == "nl" else f"/{language}"
    form = {"service": service.pk, "name": "Piet", "contact": "piet@example.be"}
    assert Client().post(f"{prefix}/digitale-balie/walk-in/", form).status_code == 302
    walk_in = CallSession.objects.get(is_walk_in=True)
    assert walk_in.language == language
    converse(walk_in, clerk, actions=False)
    [message] = summary_mails("piet@example.be")
    assert WORDS[language][0] in message.subject.lower()


def test_a_contact_without_any_address_gets_no_message(phone_session, clerk):
    sessions.end_call(phone_session, clerk, outcome="resolved")
    assert send_summary(phone_session.pk) == ""
    assert not Notification.objects.filter(kind="summary").exists() and not mail.outbox
    assert not DemoSmsProvider.outbox and not SummaryLink.objects.exists()


def test_a_conversation_that_never_started_gets_no_summary(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    session = sessions.session_for_appointment(appointment)
    sessions.end_call(session, clerk, outcome="resolved")
    assert not summary_mails("an@example.be") and not SummaryLink.objects.exists()


# --- exactly once ------------------------------------------------------------------------------------------------


def test_the_task_run_twice_sends_one_message(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk)  # the signal enqueued (and, synchronously, ran) the task once
    assert send_call_summary_task(done.session.pk) == ""
    assert send_call_summary_task(done.session.pk) == ""
    assert len(summary_mails("an@example.be")) == 1
    assert Notification.objects.filter(kind="summary").count() == 1 and SummaryLink.objects.count() == 1


def test_a_failed_e_mail_is_tried_again_and_then_sent_once(service, seat, clerk, counter_page, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    appointment = book(service, at(7, 10))
    real_send = EmailMultiAlternatives.send

    def broken(message, *args, **kwargs):
        if "/summary/" in message.body:
            raise ConnectionError("mail server away")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    done = converse(appointment, clerk, actions=False)
    assert Notification.objects.get(kind="summary").status == "failed"
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert send_summary(done.session.pk) == "email"
    assert send_summary(done.session.pk) == ""
    assert len(summary_mails("an@example.be")) == 1
    assert Notification.objects.get(kind="summary").status == "sent"


# --- how long it works ----------------------------------------------------------------------------------------------


def test_the_link_works_until_the_documents_retention_period_and_then_says_so(
    service, seat, clerk, counter_page, frozen_now
):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk)
    path = summary_path(summary_mails("an@example.be")[0].body)
    link = SummaryLink.objects.get()
    days = CounterSettings.for_site(done.session.site).document_retention_days
    assert link.expires_at == done.session.ended_at + later(days)
    citizen = Client()
    url = downloads(citizen.get(path))[0]
    frozen_now.move_to(link.expires_at - later(1))
    assert citizen.get(path).status_code == 200
    frozen_now.move_to(link.expires_at + later(1))
    gone = citizen.get(path)
    assert gone.status_code == 410 and "niet meer beschikbaar" in gone.content.decode()
    assert citizen.get(url).status_code == 410
    apply_retention()
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_retention_revokes_the_link_with_the_documents(service, seat, clerk, counter_page, frozen_now):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk)
    path = summary_path(summary_mails("an@example.be")[0].body)
    CounterSettings.objects.filter(site=done.session.site).update(document_retention_days=2)  # shortened later
    frozen_now.move_to(done.session.ended_at + later(3))
    counts = apply_retention()
    assert counts["summaries"] == 1 and counts["documents"] >= 3
    assert Client().get(path).status_code == 410


def test_unknown_tokens_get_the_citizens_404_never_a_500(counter_page, service, seat):
    citizen = Client()
    page = citizen.get("/digitale-balie/summary/" + "x" * 43 + "/")
    assert page.status_code == 404 and "Deze link werkt niet" in page.content.decode()
    assert citizen.get(f"/digitale-balie/summary/{'y' * 43}/appointment/", {}).status_code == 405
    assert citizen.post(f"/digitale-balie/summary/{'y' * 43}/appointment/").status_code == 404
    download = reverse("digitale_balie:summary_download", args=["z" * 43, 1])
    assert citizen.get(download).status_code == 404


def test_a_client_that_keeps_trying_unknown_links_is_slowed_down(counter_page, service, seat):
    guesser = Client()
    answers = [guesser.get(f"/digitale-balie/summary/{n:043d}/").status_code for n in range(21)]
    assert answers == [404] * 20 + [429]


def test_a_link_never_reaches_another_conversations_documents(service, seat, clerk, counter_page, django_user_model):
    mine = converse(book(service, at(7, 10)), clerk)
    theirs = converse(book(service, at(7, 11), email="other@example.be"), clerk, actions=True)
    path = summary_path(summary_mails("an@example.be")[0].body)
    token = path.rstrip("/").rsplit("/", 1)[1]
    before = AuditEvent.objects.filter(action="document.downloaded").count()
    for document in (theirs.citizen_document, theirs.signed):
        response = Client().get(reverse("digitale_balie:summary_download", args=[token, document.pk]))
        assert response.status_code == 404
    assert AuditEvent.objects.filter(action="document.downloaded").count() == before
    assert mine.session.pk != theirs.session.pk
    assert SummaryLink.objects.get(token_hash=hash_token(token)).session == mine.session


# --- the end page -----------------------------------------------------------------------------------------------------


def enter(client, appointment):
    body = next(m.body for m in mail.outbox if m.to == [appointment.email] and "/join/" in m.body)
    room = client.post(re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", body).group(1))["Location"]
    return room


def test_the_end_page_offers_the_same_summary_to_the_citizen_only(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    citizen = Client()
    room = enter(citizen, appointment)
    session = sessions.session_for_appointment(appointment)
    guest = Client()  # an interpreter in the same call: the summary is not theirs
    assert guest.post(f"/digitale-balie/guest/{sessions.invite_guest(session, 'Tolk')}/").status_code == 302
    assert guest.get(reverse("digitale_balie:room_state", args=[session.pk])).status_code == 200
    summary_url = room + "summary/"
    assert citizen.get(summary_url).status_code == 404  # not before the end
    done = converse(appointment, clerk)
    state = citizen.get(reverse("digitale_balie:room_state", args=[session.pk])).json()
    assert state["summary"] is True and state["ended"] is True
    end_page = citizen.get(room).content.decode()
    assert f'href="{summary_url}"' in end_page
    page = citizen.get(summary_url)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert "Samenvatting van uw gesprek" in text and "per e-mail" in text
    url = downloads(page)[0]
    response = citizen.get(url)  # through the room's cookie, audited like every download
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="document.downloaded", actor_label="citizen").count() == 1
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"  # not the pages' policy
    assert guest.get(summary_url).status_code == 404
    assert Client().get(summary_url).status_code == 404
    assert done.session.status == "ended"


# --- what the site switched off, and what a new action type adds ------------------------------------------------------


def test_switched_off_features_are_left_out(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    done = converse(appointment, clerk)
    path = summary_path(summary_mails("an@example.be")[0].body)
    with features("identity"):
        text = Client().get(path).content.decode()
    assert "Uw identiteit is gecontroleerd." in text
    assert "Rijbewijs" not in text and "loonfiche.pdf" not in text and "contract-getekend.pdf" not in text
    with features("identity"):
        url = reverse("digitale_balie:summary_download", args=[path.rstrip("/").rsplit("/", 1)[1], done.signed.pk])
        assert Client().get(url).status_code == 404


def test_with_payments_off_the_message_leaves_them_out(service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    session = sessions.start_call(sessions.session_for_appointment(appointment), clerk)
    act(session, clerk)
    with features("identity", "documents", "signing"):  # switched off before the call ended
        sessions.end_call(session, clerk, outcome="resolved")
    [message] = summary_mails("an@example.be")
    assert "Rijbewijs" not in message.body and "loonfiche.pdf" in message.body
    assert "Uw identiteit is gecontroleerd." in message.body


class Stamp(ActionType):
    """A made-up action type, as a site would add one: the summary shows it without a change."""

    identifier = "test_summary_stamp"
    label = "Stamp"

    def summary_entry(self, action):
        return SummaryEntry(label="Stamped form", status="Stamped", details=(("Number", "42"),))


@pytest.fixture
def stamp():
    register_action_type(Stamp)
    yield
    registry._types.pop(Stamp.identifier, None)


def test_a_new_action_type_describes_its_own_entry(stamp, service, seat, clerk, counter_page):
    appointment = book(service, at(7, 10))
    session = sessions.start_call(sessions.session_for_appointment(appointment), clerk)
    create_action(session, Stamp.identifier, {}, by_user=clerk)
    sessions.end_call(session, clerk, outcome="resolved")
    [message] = summary_mails("an@example.be")
    assert "Stamped form: Stamped" in message.body and "Number: 42" in message.body
    assert "Stamped form" in Client().get(summary_path(message.body)).content.decode()


# --- what a page costs ----------------------------------------------------------------------------------------------


def pay(session, clerk, times: int) -> None:
    for number in range(times):
        create_action(
            session, "request_payment", {"amount": Decimal("5.00"), "description": f"Kopie {number}"}, by_user=clerk
        )


def summary_page_queries(service, clerk, start, email, payments, assert_num_queries) -> int:
    appointment = book(service, start, email=email)
    session = sessions.start_call(sessions.session_for_appointment(appointment), clerk)
    pay(session, clerk, payments)
    sessions.end_call(session, clerk, outcome="resolved")
    path = summary_path(summary_mails(email)[0].body)
    citizen = Client()
    citizen.get(path)  # warm the site's settings and the page path caches, as a second visit finds them
    with CaptureQueriesContext(connection) as queries:
        assert citizen.get(path).status_code == 200
    with assert_num_queries(len(queries)):  # the same again: the figure is stable
        citizen.get(path)
    return len(queries)


def test_the_page_costs_the_same_with_one_payment_or_five(
    service, seat, clerk, counter_page, django_assert_num_queries
):
    """Half of it is Wagtail serving the counter page; the summary adds its link (with the conversation, service
    and clerk), the site's settings, the actions with their rows, the service's words and the documents; the
    language switcher two (the page's translations)."""
    one = summary_page_queries(service, clerk, at(7, 10), "een@example.be", 1, django_assert_num_queries)
    five = summary_page_queries(service, clerk, at(7, 11), "vijf@example.be", 5, django_assert_num_queries)
    assert one == five == 14
