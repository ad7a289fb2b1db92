"""Clerk screens in the Wagtail admin: book on behalf, data screens, exports, permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from digitale_balie_plugin.models import Appointment, AuditEvent
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clerk(django_user_model):
    user = django_user_model.objects.create_user("sofie", password="pw")
    group = Group.objects.create(name="Baliemedewerkers")
    group.permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "book_on_behalf", "view_appointment", "change_appointment"]
        )
    )
    user.groups.add(group)
    return user


def test_clerk_books_for_a_citizen_who_phoned(client, clerk, service, seat, counter_page):
    from datetime import UTC

    client.force_login(clerk)
    page = client.get("/admin/digitale-balie/book/", {"service": service.pk})
    assert page.status_code == 200 and "slot" in page.content.decode()
    response = client.post(
        "/admin/digitale-balie/book/",
        {
            "service": service.pk,
            "slot": at(8, 10).astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
            "channel": "phone",
            "booked_via": "phone",
            "name": "Jef Janssens",
            "email": "jef@example.be",
            "phone": "0470 11 22 33",
            "language": "nl",
            "question": "Parkeerkaart voor mijn moeder",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.booked_via, appointment.booked_by, appointment.email_confirmed) == ("phone", clerk, False)
    assert appointment.phone == "+32470112233"
    assert "/confirm-email/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="appointment.booked", actor=clerk).exists()


def test_clerk_form_errors_and_a_vanished_slot(client, clerk, service, seat, counter_page):
    client.force_login(clerk)
    response = client.post("/admin/digitale-balie/book/", {"service": service.pk, "slot": "20261208T0900Z"})
    assert response.status_code == 200 and not Appointment.objects.exists()
    assert "errorlist" in response.content.decode() or "error-message" in response.content.decode()


def test_people_without_the_permission_cannot_book(client, django_user_model, service):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/digitale-balie/book/").status_code in (302, 403)


def test_admin_screens_list_filter_and_export(admin_client, service, seat, counter_page):
    from digitale_balie_plugin.booking import service as booking

    booking.book_appointment(service, at(8, 10), booking.CitizenDetails(name="An Peeters", email="an@example.be"))
    for url in [
        "/admin/digitale_balie/appointment/",
        "/admin/digitale_balie/service/",
        "/admin/digitale_balie/counterseat/",
        "/admin/digitale_balie/closure/",
        "/admin/digitale_balie/auditevent/",
        "/admin/digitale_balie/notification/",
        f"/admin/digitale_balie/counterseat/edit/{seat.pk}/",
        f"/admin/digitale_balie/service/edit/{service.pk}/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    listing = admin_client.get("/admin/digitale_balie/appointment/", {"status__exact": "booked", "q": "Peeters"})
    assert "An Peeters" in listing.content.decode()
    export = admin_client.get("/admin/digitale_balie/appointment/", {"export": "csv"})
    assert export.status_code == 200 and b"An Peeters" in b"".join(export.streaming_content)


def test_audit_log_cannot_be_edited_even_by_superusers(admin_client, service, seat):
    from digitale_balie_plugin.booking import service as booking

    booking.book_appointment(service, at(8, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    event = AuditEvent.objects.get()
    assert admin_client.get(f"/admin/digitale_balie/auditevent/edit/{event.pk}/").status_code in (302, 403)
    assert admin_client.get(f"/admin/digitale_balie/auditevent/delete/{event.pk}/").status_code in (302, 403)
    assert admin_client.get("/admin/digitale_balie/auditevent/create/").status_code in (302, 403)
