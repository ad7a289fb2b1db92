"""Staff cancel a flood of bookings at once, each citizen told as usual (issue 16).

Two seats of one service: the manager's group works at seat 5, not at seat 4, whose bookings stay untouched.
Real transactions: the cancellation notices leave after commit, through the django-q2 task run inline."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitale_balie_plugin.models import Appointment
from digitale_balie_plugin.models.audit import AuditEvent
from digitale_balie_plugin.models.choices import AppointmentStatus
from tests.factories import AppointmentFactory, SeatFactory, ServiceFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/admin/digitale-balie/cancel-flood/"


@pytest.fixture
def seats(service):
    return SeatFactory(services_for=service, name="Loket 4"), SeatFactory(services_for=service, name="Loket 5")


def staff(django_user_model, client, name, seat=None, codenames=("access_admin", "cancel_in_bulk")):
    """A user in a group with ``codenames``; with ``seat``, the group is that seat's clerk group and may work at
    a counter (the admin's one rule for "the seats a user works at": ``CounterSeat.objects.of_clerk``)."""
    user = django_user_model.objects.create_user(name, password="pw")
    codenames = (*codenames, "work_at_counter") if seat is not None else codenames
    group = Group.objects.create(name=f"Groep {name}")
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    if seat is not None:
        seat.clerk_groups.add(group)
    client.force_login(user)
    return client


@pytest.fixture
def manager(django_user_model, client, seats):
    return staff(django_user_model, client, "hilde", seats[1])


def flood_at(seat, count, domain="spam.example", day=8):
    return [
        AppointmentFactory(
            service=seat.services.first(),
            seat=seat,
            start=at(day, 9) + timedelta(minutes=30 * n),
            email=f"bot{n}@{domain}",
        )
        for n in range(count)
    ]


def choice(service, **filters):
    return {"service": service.pk, **filters}


def confirmation(service, expected, reason="Nepboekingen van één bot", **filters):
    return {**choice(service, **filters), "expected": expected, "reason": reason}


def test_the_preview_counts_the_flood_at_the_users_seats_and_changes_nothing(manager, service, seats):
    flood_at(seats[1], 5)
    flood_at(seats[0], 3)  # another seat's, not the manager's
    response = manager.get(URL, choice(service, day="2026-12-08"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("@spam.example") == 5 and 'name="expected" value="5"' in html
    assert not Appointment.objects.exclude(status=AppointmentStatus.BOOKED).exists()
    assert not AuditEvent.objects.filter(action__startswith="appointment.cancelled").exists() and not mail.outbox


def test_confirming_cancels_the_flood_in_one_go_with_notices_and_audit_events(manager, service, seats):
    mine = flood_at(seats[1], 5)
    others = flood_at(seats[0], 3)
    response = manager.post(URL, confirmation(service, 5, day="2026-12-08"))
    assert response.status_code == 302
    cancelled = Appointment.objects.filter(pk__in=[a.pk for a in mine])
    assert set(cancelled.values_list("status", flat=True)) == {AppointmentStatus.CANCELLED}
    assert not Appointment.objects.filter(pk__in=[a.pk for a in others]).exclude(status=AppointmentStatus.BOOKED)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.email for a in mine)  # the usual cancellation
    events = AuditEvent.objects.filter(action="appointment.cancelled")
    assert sorted(int(e.object_id) for e in events) == sorted(a.pk for a in mine)
    assert {e.data["reason"] for e in events} == {"Nepboekingen van één bot"}
    assert {e.actor_label for e in events} == {"hilde"}
    bulk = AuditEvent.objects.get(action="appointment.cancelled_in_bulk")
    assert bulk.data["count"] == 5
    assert not Appointment.objects.get(pk=mine[0].pk).reservations.exists()  # the seats are free again


def test_filters_by_when_they_were_booked_and_by_e_mail_domain(manager, service, seats, frozen_now):
    early = flood_at(seats[1], 2, domain="early.example")
    frozen_now.shift(timedelta(minutes=10))
    flood = flood_at(seats[1], 3, day=9) + flood_at(seats[1], 2, domain="ok.example", day=10)
    frozen_now.shift(timedelta(minutes=10))
    real = AppointmentFactory(service=service, seat=seats[1], start=at(11, 9), email="an@spam.example")  # later
    window = {"created_from": "2026-12-07T08:05", "created_until": "2026-12-07T08:15"}
    preview = manager.get(URL, choice(service, email_domain="@Spam.example", **window)).content.decode()
    confirm = preview[preview.index('<form method="post"') :]
    sent_along = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm))
    assert sent_along["expected"] == "3" and sent_along["email_domain"] == "spam.example"
    response = manager.post(URL, {**sent_along, "reason": "Bot van 08:10"})  # what the browser sends back
    assert response.status_code == 302
    assert [a.pk for a in Appointment.objects.filter(status=AppointmentStatus.CANCELLED)] == [a.pk for a in flood[:3]]
    assert Appointment.objects.get(pk=real.pk).status == Appointment.objects.get(pk=early[0].pk).status == "booked"


def test_a_flood_that_changed_since_the_preview_is_shown_again_not_cancelled(manager, service, seats):
    flood_at(seats[1], 4)
    response = manager.post(URL, confirmation(service, 3))
    assert response.status_code == 200 and 'name="expected" value="4"' in response.content.decode()
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()


def test_without_a_reason_nothing_is_cancelled(manager, service, seats):
    flood_at(seats[1], 2)
    response = manager.post(URL, confirmation(service, 2, reason=""))
    assert response.status_code == 400 and "bot0@spam.example" in response.content.decode()
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()


def test_another_seats_or_sites_bookings_cannot_be_chosen(manager, service, seats):
    flood_at(seats[0], 2)
    response = manager.post(URL, confirmation(service, 2))
    assert response.status_code == 200 and "@spam.example" not in response.content.decode()
    foreign = ServiceFactory()
    flood_at(SeatFactory(services_for=foreign), 2)
    response = manager.post(URL, confirmation(foreign, 2))
    assert response.status_code == 400  # not a service of the manager's seats
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()


def test_only_staff_with_the_permission_may(client, django_user_model, service, seats):
    flood_at(seats[1], 2)
    clerk = staff(django_user_model, client, "sofie", seats[1], codenames=("access_admin", "book_on_behalf"))
    for response in (clerk.get(URL), clerk.post(URL, confirmation(service, 2))):  # Wagtail: "no permission"
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()


def test_the_preview_costs_the_same_queries_for_a_small_or_a_large_flood(
    manager, service, seats, django_assert_num_queries
):
    flood_at(seats[1], 3)
    manager.get(URL, choice(service))
    with CaptureQueriesContext(connection) as small:
        manager.get(URL, choice(service))
    flood_at(seats[1], 6, domain="more.example", day=9)
    with django_assert_num_queries(len(small)):
        assert manager.get(URL, choice(service)).content.decode().count("@more.example") == 6


def test_the_screen_is_in_the_menu_of_whoever_may_use_it(manager):
    assert reverse("digitale_balie_cancel_flood") in manager.get("/admin/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"day": "9999-12-31"},
        {"day": "0001-01-01"},
        {"created_from": "0001-01-01T00:00"},
        {"created_until": "9999-12-31T23:59"},
        {"email_domain": "not a domain"},
        {"created_from": "2026-12-07T09:00", "created_until": "2026-12-07T08:00"},
        {"service": "9223372036854775808"},
    ],
)
def test_impossible_choices_are_refused_with_a_reason_not_a_500(manager, service, seats, bad):
    flood_at(seats[1], 1)
    assert manager.get(URL, {**choice(service), **bad}).status_code == 400  # the form with its error
    assert manager.post(URL, {**confirmation(service, 1), **bad}).status_code == 400
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()


def test_a_manager_of_no_seat_is_told_why_the_list_is_empty(client, django_user_model, service, seats):
    flood_at(seats[1], 2)
    lonely = staff(django_user_model, client, "jan")  # the permission, but no group of any seat
    html = lonely.get(URL).content.decode()
    assert "help-warning" in html and f'value="{service.pk}"' not in html
    assert lonely.post(URL, confirmation(service, 2)).status_code == 400
    assert not Appointment.objects.filter(status=AppointmentStatus.CANCELLED).exists()
