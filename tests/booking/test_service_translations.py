"""Services in Dutch and French (Wagtail's localisation), one appointment whatever the language (issue 14).

A French translation of a service is a row of its own in the French locale, linked by its translation key;
the citizen reads it in their language (pages, e-mail, .ics, SMS), while seats, appointments and figures keep
to the Dutch (default-language) row.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import translation
from wagtail.models import Locale

from digitale_balie_plugin.booking import notifications
from digitale_balie_plugin.booking import service as booking
from digitale_balie_plugin.booking.ics import appointment_calendar
from digitale_balie_plugin.cms.blocks import AppointmentBookingBlock
from digitale_balie_plugin.models import Appointment, CounterSeat, Service
from digitale_balie_plugin.models.notifications import Notification
from tests.fixtures import at

LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]


@pytest.fixture
def bilingual(settings, db):
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
    return Locale.objects.get_or_create(language_code="fr")[0]


@pytest.fixture
def french(bilingual, service):
    translated = service.copy_for_translation(bilingual)
    translated.name = "Demander une carte d'identité"
    translated.description = "Pour une nouvelle carte eID."
    translated.what_to_prepare = "Votre ancienne carte."
    translated.save()
    return translated


def test_a_translation_is_linked_words_only_and_never_bookable_by_itself(service, seat, french):
    assert french.translation_key == service.translation_key and french.locale.language_code == "fr"
    assert list(Service.objects.active()) == [service]  # one row counts: the default language's
    assert french.canonical() == service and not french.is_canonical

    french.duration_minutes = 60  # a translation cannot change the schedule: it follows the original
    french.save()
    french.refresh_from_db()
    assert french.duration_minutes == service.duration_minutes
    service.duration_minutes, service.buffer_minutes = 30, 0
    service.save()
    french.refresh_from_db()
    assert (french.duration_minutes, french.buffer_minutes) == (30, 0)
    assert french.name == "Demander une carte d'identité"  # its words stay its own


def test_the_citizen_reads_the_service_in_their_language(client, counter_page, french, seat):
    counter_page.body = [("appointment_booking", {"heading": "", "intro": "", "services": []})]
    counter_page.save_revision().publish()
    book = f"/fr{counter_page.url}book/{french.slug}/"  # the city's pages are under i18n_patterns: /fr/…
    page = client.get("/fr" + counter_page.url).content.decode()
    assert "Demander une carte d&#x27;identité" in page and "Prendre rendez-vous" in page
    assert "Identiteitskaart aanvragen" not in page
    slots = client.get(book).content.decode()
    assert "Pour une nouvelle carte eID." in slots and "Votre ancienne carte." in slots
    assert "Identiteitskaart aanvragen" in client.get(counter_page.url).content.decode()


def test_one_appointment_whatever_the_language_and_messages_in_the_citizens(
    service, seat, counter_page, french, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = booking.book_appointment(
            french,  # booked from the French page: still the one service
            at(8, 10),
            booking.CitizenDetails(name="Chloé Dubois", email="chloe@example.be", language="fr"),
        )
    appointment = Appointment.objects.get()
    assert appointment.service_id == service.pk and result.appointment.pk == appointment.pk
    [confirmation] = mail.outbox
    assert "Demander une carte d'identité" in confirmation.subject and "Votre ancienne carte." in confirmation.body
    calendar = appointment_calendar(appointment).decode()
    assert "Demander une carte d" in calendar

    appointment.phone, appointment.sms_consent = "+32470123456", True
    appointment.save()
    notifications.send_sms(appointment, Notification.Kind.REMINDER)
    from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider

    assert "Demander une carte d'identité" in DemoSmsProvider.outbox[-1].body


def test_the_block_lists_services_in_the_active_language_with_one_query(
    french, counter_page, site, rf, django_assert_num_queries
):
    for index in range(3):  # more services, each with a French translation
        extra = Service.objects.create(site=site, name=f"Dienst {index}", slug=f"dienst-{index}")
        copy = extra.copy_for_translation(french.locale)
        copy.name = f"Service {index}"
        copy.save()
    block = AppointmentBookingBlock()
    value = block.to_python({"heading": "", "intro": "", "services": []})
    request = rf.get("/")
    with translation.override("fr"):
        context = block.get_context(value, {"request": request, "page": counter_page})
        with django_assert_num_queries(0):  # the translations came with the list, in one query
            names = [bookable.service.localized.name for bookable in context["services"]]
    assert "Demander une carte d'identité" in names and "Service 2" in names


def test_an_editor_translates_a_service_in_the_admin(client, django_user_model, service, bilingual):
    editor = django_user_model.objects.create_user("jan", password="pw")
    group = Group.objects.create(name="Webredacteurs")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "add_service", "change_service"]))
    editor.groups.add(group)
    client.force_login(editor)
    screen = client.get(f"/admin/digitale-balie/translate/service/{service.pk}/")
    assert screen.status_code == 200 and 'name="language" value="fr"' in screen.content.decode()
    assert not Service.objects.filter(locale=bilingual).exists()  # looking makes nothing
    made = client.post(f"/admin/digitale-balie/translate/service/{service.pk}/", {"language": "fr"})
    translated = Service.objects.get(locale=bilingual)
    assert made.status_code == 302 and made["Location"].endswith(f"/edit/{translated.pk}/")
    assert translated.translation_key == service.translation_key
    again = client.post(f"/admin/digitale-balie/translate/service/{service.pk}/", {"language": "fr"})
    assert again["Location"] == made["Location"] and Service.objects.filter(locale=bilingual).count() == 1
    assert client.post(f"/admin/digitale-balie/translate/service/{service.pk}/", {"language": "xx"}).status_code == 404
    client.force_login(django_user_model.objects.create_user("kim", password="pw", is_staff=True))
    assert client.get(f"/admin/digitale-balie/translate/service/{service.pk}/").status_code in (302, 403)


def test_a_desk_appointment_says_where_in_the_citizens_language(
    bilingual, service, seat, counter_page, django_capture_on_commit_callbacks
):
    """Seats are translated for their public words (name, location); the French seat is words only."""
    seat.name, seat.location = "Loket 1", "Stadhuis, gelijkvloers"
    seat.save()
    french_seat = seat.copy_for_translation(bilingual, exclude_fields=["availability_rules"])
    french_seat.name, french_seat.location = "Guichet 1", "Hôtel de ville, rez-de-chaussée"
    french_seat.save()
    assert list(CounterSeat.objects.canonical()) == [seat] and not french_seat.availability_rules.exists()
    service.offers_desk = True
    service.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking.book_appointment(
            service,
            at(8, 10),
            booking.CitizenDetails(name="Chloé Dubois", email="chloe@example.be", language="fr"),
            channel="desk",
        )
    assert Appointment.objects.get().seat_id == seat.pk  # the one seat, whatever the language
    assert "Guichet 1, Hôtel de ville, rez-de-chaussée" in mail.outbox[0].body
