"""Admin data screens show a user only the citizens of the seats they work at (issue 16, "Smaller").

The security review found a clerk of one seat opening every appointment of another seat (names, e-mail,
phone), the notification list and the finance report. Every admin screen with citizens' data now scopes to
``CounterSeat.objects.visible_to(user)`` (``models.scope_to_seats``): the seats the user works at, or every seat
with ``view_all_seats`` (the managers' role). Another seat's row answers 404, not 403 (no existence leak),
and nothing of another site of the same install shows.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digitale_balie_plugin.cms import roles
from digitale_balie_plugin.cms.modeladmin import SeatScopedAdminMixin
from digitale_balie_plugin.models import AuditEvent, ChannelCount, Closure, CounterSeat, Feedback, Service
from tests.admin_pages import client_for, package_url_patterns
from tests.factories import SeatFactory, ServiceFactory, SiteFactory
from tests.retention.citizen_data import citizen

pytestmark = pytest.mark.django_db

#: Every permission a screen below asks for, except the one that opens every seat.
SCREEN_PERMISSIONS = [
    "access_admin",
    "work_at_counter",
    "view_appointment",
    "view_notification",
    "view_caserecord",
    "change_caserecord",
    "view_auditevent",
    "view_channelcount",
    "change_channelcount",
    "view_finance_report",
    "view_feedback_report",
    "view_feedback_text",
    "manage_personal_data",
]


@dataclass
class Seat:
    """One seat's citizen (``tests.retention.citizen_data``), its site's seatless rows, and what names them."""

    footprint: object
    audit: AuditEvent
    channel_count: ChannelCount
    page_feedback: Feedback

    @property
    def marker(self) -> str:
        return self.footprint.marker


def seat_with_citizen(site, service, seat, marker: str) -> Seat:
    footprint = citizen(site, service, seat, marker=marker, email=f"{marker.lower()}@example.be", number="85041212345")
    audit = AuditEvent.objects.create(action="booking.created", object_type="x", object_id=marker, site=site)
    count = ChannelCount.objects.create(
        site=site, service=service, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30), desk_visits=7
    )
    page_feedback = Feedback.objects.create(site=site, source="page", satisfaction=3, comment=f"Pagina {marker}")
    return Seat(footprint, audit, count, page_feedback)


@pytest.fixture
def world(site, service, seat, counter_page):
    """Seats 4 and 5 on site A, seat B on site B, each with one citizen who went through everything."""
    seat5 = SeatFactory(services_for=service, name="Loket vijf")
    site_b = SiteFactory()
    seat_b = SeatFactory(services_for=ServiceFactory(site=site_b))
    return {
        "seat4": seat,
        "seat5": seat5,
        "seat_b": seat_b,
        "four": seat_with_citizen(site, service, seat, "Vier"),
        "five": seat_with_citizen(site, service, seat5, "Vijf"),
        "b": seat_with_citizen(site_b, seat_b.services.get(), seat_b, "Bee"),
    }


def user_in_group(django_user_model, username, codenames, seat=None):
    group = Group.objects.create(name=f"group-{username}")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["digitale_balie", "wagtailadmin"], codename__in=codenames
        )
    )
    if seat is not None:
        seat.clerk_groups.add(group)
    user = django_user_model.objects.create_user(username, password="pw")
    user.groups.add(group)
    return user


def clerk_of_seat5(world, django_user_model):
    return user_in_group(django_user_model, "clerk5", SCREEN_PERMISSIONS, world["seat5"])


def manager(django_user_model):
    """The managers' role as ``balie_staff_groups`` makes it (``view_all_seats`` included), plus the screens'
    other permissions, and no seat."""
    group = roles.apply_role(roles.MANAGERS).group
    user = user_in_group(django_user_model, "manager", SCREEN_PERMISSIONS)
    user.groups.add(group)
    return user


# (label, URL of the screen for this seat's rows, what of the row the screen shows).
def screens(seat: Seat) -> list[tuple[str, str, str]]:
    fp = seat.footprint
    appointment, case, payment = fp.appointment, fp.case, fp.payment
    notification = appointment.notifications.get()
    return [
        ("appointments", reverse("digitale_balie_appointment_modeladmin_index"), fp.marker),
        ("appointments export", reverse("digitale_balie_appointment_modeladmin_index") + "?export=csv", fp.email),
        (
            "appointment",
            reverse("digitale_balie_appointment_modeladmin_inspect", args=[appointment.pk]),
            fp.email,
        ),
        (
            "notifications",
            reverse("digitale_balie_notification_modeladmin_index"),
            reverse("digitale_balie_notification_modeladmin_inspect", args=[notification.pk]),
        ),
        (
            "notification",
            reverse("digitale_balie_notification_modeladmin_inspect", args=[notification.pk]),
            fp.email,
        ),
        ("case records", reverse("digitale_balie_caserecord_modeladmin_index"), fp.marker),
        ("case record", reverse("digitale_balie_caserecord_modeladmin_inspect", args=[case.pk]), fp.marker),
        ("case retry", reverse("digitale_balie_case_retry", args=[case.pk]), fp.marker),
        ("finance report", reverse("digitale_balie_finance_report"), payment.reference),
        ("finance report results", reverse("digitale_balie_finance_report_results"), payment.reference),
        ("finance export", reverse("digitale_balie_finance_report") + "?export=csv", payment.reference),
        ("feedback report", reverse("digitale_balie_feedback_report"), f"Commentaar van {fp.marker}"),
        ("feedback report, page", reverse("digitale_balie_feedback_report"), f"Pagina {fp.marker}"),
        ("feedback export", reverse("digitale_balie_feedback_report") + "?export=csv", fp.email),
        (
            "audit events",
            reverse("digitale_balie_auditevent_modeladmin_index"),
            reverse("digitale_balie_auditevent_modeladmin_inspect", args=[seat.audit.pk]),
        ),
        ("audit event", reverse("digitale_balie_auditevent_modeladmin_inspect", args=[seat.audit.pk]), seat.marker),
        (
            "channel counts",
            reverse("digitale_balie_channelcount_modeladmin_index"),
            reverse("digitale_balie_channelcount_modeladmin_edit", args=[seat.channel_count.pk]),
        ),
        (
            "channel count",
            reverse("digitale_balie_channelcount_modeladmin_edit", args=[seat.channel_count.pk]),
            'name="desk_visits"',
        ),
        ("citizen data: the site to search", reverse("digitale_balie_citizen_data"), fp.session.site.site_name),
    ]


#: The screens above that show one row: another seat's row answers 404 there.
DETAIL_SCREENS = {"appointment", "notification", "case record", "case retry", "audit event", "channel count"}
#: Where a seat's row and site B's row are the same row for a user of site A's seats (seatless, per site).
PER_SITE = {
    "feedback report, page",
    "audit events",
    "audit event",
    "channel counts",
    "channel count",
    "citizen data: the site to search",
}
LABELS = [
    "appointments",
    "appointments export",
    "appointment",
    "notifications",
    "notification",
    "case records",
    "case record",
    "case retry",
    "finance report",
    "finance report results",
    "finance export",
    "feedback report",
    "feedback report, page",
    "feedback export",
    "audit events",
    "audit event",
    "channel counts",
    "channel count",
    "citizen data: the site to search",
]


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def screen(seat: Seat, label: str) -> tuple[str, str]:
    found = {name: (url, shown) for name, url, shown in screens(seat)}
    return found[label]


@pytest.mark.parametrize("label", LABELS)
def test_a_clerk_sees_their_own_seats_citizens(world, django_user_model, label):
    client = client_for(clerk_of_seat5(world, django_user_model), "nl")
    url, shown = screen(world["five"], label)
    response = client.get(url)
    assert response.status_code == 200 and shown in body(response)


def assert_hidden(response, label: str, shown: str) -> None:
    """A list or report without the row; a page of the row itself: 404, as if it did not exist."""
    if label in DETAIL_SCREENS:
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and shown not in body(response)


@pytest.mark.parametrize("label", LABELS)
def test_a_clerk_sees_nothing_of_another_seat(world, django_user_model, label):
    """Seat 5's clerk and seat 4's data: the review opened all 54 appointment pages of seat 4 this way."""
    client = client_for(clerk_of_seat5(world, django_user_model), "nl")
    url, shown = screen(world["four"], label)
    response = client.get(url)
    if label in PER_SITE:  # seat 4 is on seat 5's site: its per-site rows are seat 5's too
        assert response.status_code == 200 and shown in body(response)
    else:
        assert_hidden(response, label, shown)


@pytest.mark.parametrize("label", LABELS)
def test_a_clerk_sees_nothing_of_another_site(world, django_user_model, label):
    client = client_for(clerk_of_seat5(world, django_user_model), "nl")
    url, shown = screen(world["b"], label)
    assert_hidden(client.get(url), label, shown)


@pytest.mark.parametrize("label", LABELS)
def test_a_manager_with_every_seat_sees_every_seat_and_site(world, django_user_model, label):
    client = client_for(manager(django_user_model), "nl")
    for seat in ("four", "five", "b"):
        url, shown = screen(world[seat], label)
        response = client.get(url)
        assert response.status_code == 200 and shown in body(response), seat


def test_a_user_without_a_seat_sees_no_citizen(world, django_user_model):
    client = client_for(user_in_group(django_user_model, "noseat", SCREEN_PERMISSIONS), "nl")
    listing = body(client.get(reverse("digitale_balie_appointment_modeladmin_index")))
    assert all(world[seat].marker not in listing for seat in ("four", "five", "b"))
    appointment = world["five"].footprint.appointment
    assert (
        client.get(reverse("digitale_balie_appointment_modeladmin_inspect", args=[appointment.pk])).status_code == 404
    )


def test_a_malformed_id_is_a_404(world, django_user_model):
    client = client_for(clerk_of_seat5(world, django_user_model), "nl")
    url = reverse("digitale_balie_appointment_modeladmin_inspect", args=[1]).replace("/1/", "/abc/")
    assert client.get(url).status_code == 404


def test_the_managers_role_sees_every_seat():
    assert "digitale_balie.view_all_seats" in roles.MANAGERS.permissions
    assert "digitale_balie.view_all_seats" not in roles.CLERKS.permissions


#: The package's admin URLs that show no citizen's data, each with why (a new screen must be classified).
NO_CITIZEN_DATA = {
    "digitale_balie_choose_seat": "the clerk's own seats (calls.seats.clerk_seat_ids)",
    "digitale_balie_console": "one seat's console, refused unless the clerk works there",
    "digitale_balie_open_contact": "console command, refused unless the clerk works at the seat",
    "digitale_balie_session_command": "console command, refused unless the clerk works at the seat",
    "digitale_balie_clear_walk_ins": "console command, refused unless the clerk works at the seat (404)",
    "digitale_balie_book_on_behalf": "a form and free slots",
    "digitale_balie_dashboard": "figures, no person",
    "digitale_balie_staff_survey": "the clerk's own answers",
    "digitale_balie_integrations_status": "configuration, superusers",
    "digitale_balie_translate": "services and seats (the published offer)",
}
#: The package's own screens (not modeladmin) that scope to the user's seats, tested above.
SCOPED_SCREENS = {
    "digitale_balie_case_retry",
    "digitale_balie_finance_report",
    "digitale_balie_finance_report_results",
    "digitale_balie_feedback_report",
    "digitale_balie_feedback_report_results",
    "digitale_balie_citizen_data",
    "digitale_balie_cancel_flood",  # booking.bulk_cancel.seats_of: CounterSeat.objects.visible_to
}
#: The published offer (services, seats, closures): no citizen in it.
OFFER_MODELS = {Service, CounterSeat, Closure}


def test_every_admin_screen_is_scoped_or_shows_no_citizen():
    """A new admin URL must be scoped to the user's seats or say why it shows nobody's data; every modeladmin
    screen of a model with citizens' data is a ``SeatScopedAdminMixin`` (list, export, inspect, edit, delete)."""
    unclassified = []
    for pattern in package_url_patterns():
        if "_modeladmin_" in pattern.name:
            model_admin = inspect.unwrap(pattern.callback).__self__
            if isinstance(model_admin, SeatScopedAdminMixin) or model_admin.model in OFFER_MODELS:
                continue
        elif pattern.name in SCOPED_SCREENS or pattern.name in NO_CITIZEN_DATA:
            continue
        unclassified.append(pattern.name)
    assert unclassified == []


def test_scoped_lists_cost_the_same_with_more_rows(world, site, service, django_user_model, django_assert_num_queries):
    """The scope is a subquery: the number of queries does not grow with rows or seats."""
    client = client_for(clerk_of_seat5(world, django_user_model), "nl")
    urls = [url for label, url, _shown in screens(world["five"]) if label not in DETAIL_SCREENS]
    before = {}
    for url in urls:
        body(client.get(url))  # warm: the first request of a session caches what later ones reuse
        with CaptureQueriesContext(connection) as queries:
            body(client.get(url))
        before[url] = len(queries)
    for number in range(3):
        seat_with_citizen(site, service, world["seat5"], f"Extra{number}")
        seat_with_citizen(site, service, SeatFactory(services_for=service), f"Ander{number}")
    after = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            body(client.get(url))
        after[url] = len(queries)
    assert after == before


@pytest.mark.parametrize("url_name", ["digitale_balie_finance_report", "digitale_balie_feedback_report"])
def test_the_reports_site_filter_offers_only_the_users_sites(world, django_user_model, url_name):
    own, other = world["five"].footprint.session.site, world["b"].footprint.session.site
    page = body(client_for(clerk_of_seat5(world, django_user_model), "nl").get(reverse(url_name)))
    assert f">{own.site_name}" in page and other.site_name not in page  # the options read "name [default]"
    everything = body(client_for(manager(django_user_model), "nl").get(reverse(url_name)))
    assert f">{other.site_name}" in everything


def test_the_feedback_reports_seat_filter_offers_only_the_users_seats(world, django_user_model):
    url = reverse("digitale_balie_feedback_report")
    page = body(client_for(clerk_of_seat5(world, django_user_model), "nl").get(url))
    assert ">Loket vijf</option>" in page
    assert f">{world['seat4'].name}</option>" not in page and f">{world['seat_b'].name}</option>" not in page
    everything = body(client_for(manager(django_user_model), "nl").get(url))
    assert f">{world['seat4'].name}</option>" in everything and f">{world['seat_b'].name}</option>" in everything
