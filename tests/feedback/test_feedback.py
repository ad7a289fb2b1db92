"""The survey after a conversation, the single e-mail invitation, and the general feedback form."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.calls import sessions
from digitale_balie_plugin.feedback import invitations
from digitale_balie_plugin.models import CallSession, Feedback, FeedbackInvitation
from digitale_balie_plugin.signals import feedback_given
from tests.calls.test_video_counter import enter_room
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERS = {"ease": "4", "satisfaction": "5", "use_again": "yes", "time_saved": "under_60", "comment": "Vlot geholpen."}


@pytest.fixture
def appointment(service, seat, counter_page):
    return booking.book_appointment(
        service, at(7, 10), booking.CitizenDetails(name="An Peeters", email="an@example.be", question="Nieuwe eID")
    ).appointment


@pytest.fixture
def ended(client, appointment, clerk, frozen_now):
    """The citizen was in the room; the clerk ended the conversation."""
    room_url = enter_room(client, appointment)
    session = CallSession.objects.get(appointment=appointment)
    frozen_now.move_to(at(7, 10))
    sessions.start_call(session, clerk)
    frozen_now.move_to(at(7, 10, 20))
    sessions.end_call(session, clerk, outcome="resolved", notes="Aanvraag ingediend")
    session.refresh_from_db()
    return session, room_url


def survey_url(counter_page, session):
    return counter_page.url + counter_page.reverse_subpage("feedback", args=[session.pk])


def test_the_call_page_offers_the_survey_and_one_answer_is_kept_anonymously(client, ended, counter_page):
    session, room_url = ended
    state = client.get(reverse("digitale_balie:room_state", args=[session.pk])).json()
    assert state["ended"] and state["feedback"] is True
    room = client.get(room_url).content.decode()
    assert "Hoe ging het?" in room and survey_url(counter_page, session) in room

    page = client.get(survey_url(counter_page, session))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alle vragen zijn vrij" in html and 'type="radio"' in html and "<legend>" in html

    empty = client.post(survey_url(counter_page, session), {})
    assert empty.status_code == 400 and "Beantwoord eerst minstens één vraag" in empty.content.decode()
    assert not Feedback.objects.exists()

    received = []
    feedback_given.connect(lambda **kw: received.append(kw["feedback"]), weak=False, dispatch_uid="test-fb")
    try:
        done = client.post(survey_url(counter_page, session), ANSWERS)
    finally:
        feedback_given.disconnect(dispatch_uid="test-fb")
    assert done.status_code == 200 and "Bedankt voor uw antwoord" in done.content.decode()
    feedback = Feedback.objects.get()
    assert received == [feedback]
    assert (feedback.ease, feedback.satisfaction, feedback.use_again, feedback.time_saved) == (4, 5, "yes", "under_60")
    assert feedback.comment == "Vlot geholpen." and feedback.source == "call" and feedback.language == "nl"
    assert (feedback.service_id, feedback.seat_id, feedback.channel) == (session.service_id, session.seat_id, "video")
    # Anonymous: nothing that points at the citizen.
    assert feedback.session is None and not feedback.contact_ok and feedback.contact_email == ""
    assert feedback.given_on == at(7, 10).date()

    again = client.post(survey_url(counter_page, session), {"satisfaction": "1"})
    assert "We hebben uw antwoord voor dit gesprek al" in again.content.decode()
    assert Feedback.objects.count() == 1
    assert client.get(reverse("digitale_balie:room_state", args=[session.pk])).json()["feedback"] is False


def test_with_the_tick_the_answer_is_linked_to_the_conversation(client, ended, counter_page, appointment):
    session, _ = ended
    client.post(
        survey_url(counter_page, session), {"satisfaction": "2", "contact_ok": "on", "comment": "Beeld viel weg"}
    )
    feedback = Feedback.objects.get()
    assert feedback.contact_ok and feedback.session == session
    assert (feedback.contact_name, feedback.contact_email) == ("An Peeters", "an@example.be")


def test_only_the_citizen_of_that_conversation_may_answer(client, ended, counter_page, service, seat):
    session, _ = ended
    from django.test import Client

    stranger = Client()
    answer = stranger.post(survey_url(counter_page, session), ANSWERS)
    assert answer.status_code == 404 and not Feedback.objects.exists()
    open_session = sessions.open_contact(seat, channel="phone", clerk=None, citizen_name="Jan", service=service)
    assert client.post(survey_url(counter_page, open_session), ANSWERS).status_code == 404


def test_a_survey_field_out_of_range_is_refused_in_dutch(client, ended, counter_page):
    session, _ = ended
    bad = client.post(survey_url(counter_page, session), {"satisfaction": "9", "comment": "x" * 2001})
    html = bad.content.decode()
    assert bad.status_code == 400 and "aria-invalid" in html
    assert (
        "Kies een van de antwoorden" in html and 'href="#id_satisfaction"' in html and "minder dan 2000 tekens" in html
    )
    assert not Feedback.objects.exists()


def test_one_invitation_by_e_mail_when_the_citizen_left_without_answering(client, ended, counter_page, frozen_now):
    session, _ = ended
    mail.outbox.clear()
    assert invitations.send_due() == 0  # too early: the call page still offers the survey
    frozen_now.move_to(at(7, 13))
    assert invitations.send_due() == 1
    assert invitations.send_due() == 0  # never twice
    [message] = mail.outbox
    assert message.to == ["an@example.be"] and "Hoe was uw gesprek?" in message.subject
    assert "Identiteitskaart aanvragen" in message.body and "anoniem" in message.body
    path = re.search(r"https?://[^/]+(/\S+/feedback/link/[\w-]+/)", message.body).group(1)
    invitation = FeedbackInvitation.objects.get(session=session)
    assert invitation.sent_at and invitation.token_hash not in message.body

    from django.test import Client

    other_browser = Client()
    page = other_browser.get(path)
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    other_browser.post(path, {"satisfaction": "4"})
    assert Feedback.objects.get().source == "email"
    invitation.refresh_from_db()
    assert invitation.used_at
    assert (
        "We hebben uw antwoord" in other_browser.get(path).content.decode()
        or other_browser.get(path).status_code == 404
    )


def test_no_invitation_after_an_answer_a_no_show_or_for_an_unconfirmed_address(
    client, ended, counter_page, frozen_now, service, seat, clerk
):
    session, _ = ended
    client.post(survey_url(counter_page, session), {"satisfaction": "5"})
    unconfirmed = booking.book_appointment(
        service,
        at(7, 11),
        booking.CitizenDetails(name="Piet", email="piet@example.be"),
        booked_by=clerk,
    ).appointment
    other = sessions.session_for_appointment(unconfirmed)
    sessions.mark_no_show(other, clerk)
    frozen_now.move_to(at(7, 15))
    mail.outbox.clear()
    assert invitations.send_due() == 0 and mail.outbox == []


def test_the_invitation_link_expires(client, ended, frozen_now):
    frozen_now.move_to(at(7, 13))
    invitations.send_due()
    path = re.search(r"https?://[^/]+(/\S+/feedback/link/[\w-]+/)", mail.outbox[-1].body).group(1)
    frozen_now.move_to(at(7, 13) + timedelta(days=15))
    assert "werkt niet" in client.get(path).content.decode()


def test_a_failing_mail_server_never_leads_to_a_second_invitation(ended, frozen_now, settings):
    session, _ = ended
    settings.EMAIL_BACKEND = "tests.feedback.test_feedback.BrokenBackend"
    frozen_now.move_to(at(7, 13))
    assert invitations.send_due() == 0
    invitation = FeedbackInvitation.objects.get(session=session)
    assert "refused" in invitation.error and invitation.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert invitations.send_due() == 0


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("refused")


# --- the general feedback form (FeedbackBlock) ------------------------------------------------------


@pytest.fixture
def content_page(site, counter_page):
    from example_site.home.models import ContentPage

    page = ContentPage(
        title="Over de digitale balie", slug="over", body=[("feedback", {"heading": "Uw mening", "intro": ""})]
    )
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_block_shows_a_form_that_posts_to_the_counter_page(client, content_page, counter_page):
    html = client.get(content_page.url).content.decode()
    action = counter_page.url + "feedback/"
    assert f'action="{action}"' in html and "Uw mening" in html
    assert f'name="page" value="{content_page.pk}"' in html

    missing_address = client.post(action, {"satisfaction": "3", "contact_ok": "on", "page": content_page.pk})
    assert missing_address.status_code == 400 and "Vul uw e-mailadres in" in missing_address.content.decode()
    done = client.post(action, {"satisfaction": "3", "comment": "Meer uitleg over parkeren", "page": content_page.pk})
    assert done.status_code == 200 and f'href="{content_page.url}"' in done.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.source == "page" and feedback.page_title == "Over de digitale balie"
    assert feedback.satisfaction == 3 and feedback.contact_email == "" and feedback.service is None


def test_page_feedback_without_the_tick_keeps_no_address_and_is_rate_limited(client, counter_page):
    action = counter_page.url + "feedback/"
    client.post(action, {"satisfaction": "4", "contact_email": "x@example.be", "contact_name": "X"})
    assert Feedback.objects.get().contact_email == ""
    codes = [client.post(action, {"satisfaction": "4"}).status_code for _ in range(10)]
    assert codes[-1] == 429 and Feedback.objects.count() == 10
