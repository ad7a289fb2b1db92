"""The success dashboard: each figure from rows we can count by hand, the charts, the panel, permissions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.dashboard.metrics import figures
from digitale_balie_plugin.models import (
    ActionStatus,
    CallSession,
    ChannelCount,
    CounterSettings,
    Feedback,
    InCallAction,
    Notification,
    StaffSurveyAnswer,
)
from digitale_balie_plugin.models.choices import AppointmentStatus
from tests.factories import AppointmentFactory, ServiceFactory, SiteFactory
from tests.fixtures import at

pytestmark = pytest.mark.django_db

START, END = date(2026, 12, 1), date(2026, 12, 7)


def conversation(seat, service, *, channel="video", status="ended", day=3, wait=None, appointment=None):
    start = at(day, 10)
    return CallSession.objects.create(
        site=seat.site,
        seat=seat,
        service=service,
        channel=channel,
        status=status,
        planned_start=start,
        room_name=f"room-{CallSession.objects.count()}-{channel}-{day}",
        waiting_since=start - timedelta(minutes=wait) if wait is not None else None,
        started_at=start if status == "ended" else None,
        ended_at=start + timedelta(minutes=15) if status == "ended" else None,
        appointment=appointment,
    )


def action(session, kind, status):
    return InCallAction.objects.create(session=session, kind=kind, status=status, expires_at=session.planned_start)


@pytest.fixture
def history(site, service, seat):
    service.needs_identity_verification = True
    service.needs_payment = True
    service.save()
    ServiceFactory(site=site, name="Parkeerkaart", slug="parkeerkaart", needs_signature=True, needs_documents=True)
    video = [conversation(seat, service, wait=w) for w in (2, 4, 6)]
    conversation(seat, service, channel="phone")
    conversation(seat, service, channel="desk")
    conversation(seat, service, status="no_show")
    conversation(seat, service, day=8)  # outside the period
    action(video[0], "verify_identity", ActionStatus.COMPLETED)
    action(video[1], "verify_identity", ActionStatus.FAILED)
    action(video[1], "verify_identity", ActionStatus.IN_PROGRESS)  # not concluded: not counted
    action(video[0], "request_payment", ActionStatus.COMPLETED)
    action(video[2], "request_signature", ActionStatus.EXPIRED)
    for day, status in (
        (2, AppointmentStatus.COMPLETED),
        (3, AppointmentStatus.COMPLETED),
        (4, AppointmentStatus.NO_SHOW),
    ):
        appointment = AppointmentFactory(service=service, seat=seat, start=at(day, 9), status=status)
        Notification.objects.create(
            appointment=appointment,
            kind="reminder",
            channel="email",
            dedupe_key=f"r{day}",
            status="sent",
            opened_at=at(day, 8),
        )
    Notification.objects.create(
        appointment=appointment,
        kind="reminder",
        channel="sms",
        dedupe_key="s",
        status="sent",
        delivery_status="delivered",
    )
    for score, ease, again, day in ((5, 4, "yes", 2), (4, 5, "yes", 3), (3, None, "no", 9)):
        Feedback.objects.create(
            site=site,
            source="call",
            service=service,
            seat=seat,
            channel="video",
            given_on=date(2026, 12, day),
            satisfaction=score,
            ease=ease,
            use_again=again,
        )
    Feedback.objects.create(
        site=site, source="page", given_on=date(2026, 12, 4), satisfaction=1
    )  # page feedback: not a conversation
    ChannelCount.objects.create(site=site, period_start=START, period_end=END, desk_visits=10, phone_calls=6)
    ChannelCount.objects.create(
        site=site, period_start=END, period_end=END + timedelta(days=6), desk_visits=99
    )  # overlaps only
    StaffSurveyAnswer.objects.create(site=site, month=date(2026, 12, 1), satisfaction=4, tools=3)
    return video


def test_every_figure_of_a_period(site, service, history, django_assert_max_num_queries):
    CounterSettings.for_site(site)  # created on first use
    with django_assert_max_num_queries(12):  # one aggregate per figure, however many rows
        result = figures(site, START, END)
    assert result.conversations == {"video": 3, "phone": 1, "chat": 0, "desk": 1}
    assert (result.desk_visits, result.phone_calls) == (10, 6)
    assert result.digital_share.part == 5 and result.digital_share.whole == 21
    # 4 remote conversations × 80 % = 3 trips × 12 km = 36 km × 150 g = 5.4 kg
    assert (result.trips_avoided, result.km_avoided, result.co2_kg_avoided) == (3, Decimal("36.0"), Decimal("5.4"))
    assert result.satisfaction == 4.5 and result.satisfaction_answers == 2 and result.ease == 4.5
    assert (result.would_use_again.part, result.would_use_again.whole) == (2, 2)
    assert [(week, avg, n) for week, avg, n in result.satisfaction_by_week] == [(date(2026, 11, 30), 4.5, 2)]
    assert (result.clerk_satisfaction, result.clerk_tools, result.clerk_answers) == (4.0, 3.0, 1)
    assert {name: (rate.part, rate.whole) for name, rate in result.success.items()} == {
        "verification": (1, 2),
        "payment": (1, 1),
        "signature": (0, 1),
    }
    assert (result.identity_when_needed.part, result.identity_when_needed.whole) == (1, 5)
    assert result.services_active == 2
    assert result.services_with == {"verification": 1, "documents": 1, "signature": 1, "payment": 1}
    assert (result.no_show.part, result.no_show.whole) == (1, 3)
    assert result.average_wait_minutes == 4.0
    assert result.notifications["emails_sent"] == 3 and result.notifications["opened"] == 3
    assert result.notifications["sms_delivered"] == 1


def test_per_service_and_site_assumptions(site, service, seat, history):
    other = ServiceFactory(site=site, name="Afval", slug="afval")
    conversation(seat, other, channel="video")
    assert figures(site, START, END, service=other).conversations["video"] == 1
    assert figures(site, START, END, service=service).conversations["video"] == 3
    settings_ = CounterSettings.for_site(site)
    settings_.trip_share_percent, settings_.trip_km, settings_.co2_grams_per_km = 100, Decimal("20"), 100
    settings_.save()
    result = figures(site, START, END)
    assert (result.trips_avoided, result.km_avoided, result.co2_kg_avoided) == (5, Decimal("100.0"), Decimal("10.0"))
    assert figures(SiteFactory(hostname="elders.test"), START, END).counter_total == 0


def test_an_empty_period_shows_dashes_not_errors(site, django_user_model):
    manager = django_user_model.objects.create_user("mia", password="pw")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_counter_dashboard"]))
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("digitale_balie_dashboard"), {"start": "2020-01-01", "end": "2020-01-31"})
    assert page.status_code == 200
    assert figures(site, date(2020, 1, 1), date(2020, 1, 31)).satisfaction is None


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user("mia", password="pw")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_counter_dashboard", "change_countersettings"])
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_page(manager, history, site):
    page = manager.get(reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd data-figure="conversations">5</dd>' in html and '<dd data-figure="trips">3</dd>' in html
    assert "Gesprekken per kanaal" in html and html.count('<svg role="img"') == 4
    assert "viewBox=" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert reverse("wagtailsettings:edit", args=["digitale_balie", "countersettings", site.pk]) in html
    bad = manager.get(reverse("digitale_balie_dashboard"), {"start": "2026-12-07", "end": "2026-12-01"})
    assert bad.status_code == 200 and "Het einde kan niet voor het begin liggen" in bad.content.decode()


def test_only_managers_see_the_figures(client, django_user_model, history):
    assert client.get(reverse("digitale_balie_dashboard")).status_code == 302  # to the login
    clerk = django_user_model.objects.create_user("sofie", password="pw")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    client.force_login(clerk)
    assert client.get(reverse("digitale_balie_dashboard")).status_code == 302  # Wagtail: back to the dashboard
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Digitale balie: de laatste 30 dagen" not in home
    assert "Hoe was uw maand aan de digitale balie?" in home  # the staff survey prompt


def test_the_home_panel_for_managers(manager):
    home = manager.get(reverse("wagtailadmin_home")).content.decode()
    assert "Digitale balie: de laatste 30 dagen" in home and reverse("digitale_balie_dashboard") in home


def test_the_staff_survey_once_a_month(client, django_user_model, site):
    clerk = django_user_model.objects.create_user("sofie", password="pw")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    client.force_login(clerk)
    url = reverse("digitale_balie_staff_survey")
    assert client.post(url, {"satisfaction": "9"}).status_code == 400
    assert client.post(url, {"satisfaction": "4", "tools": "2"}).status_code == 302
    assert client.post(url, {"satisfaction": "5", "tools": "3", "comment": "Beeld hapert soms"}).status_code == 302
    answer = StaffSurveyAnswer.objects.get()
    assert (answer.satisfaction, answer.tools, answer.month) == (5, 3, date(2026, 12, 1))
    assert "Hoe was uw maand" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_per_service_table_and_csv_export(manager, history, site, service, django_assert_max_num_queries):
    from digitale_balie_plugin.dashboard.metrics import per_service

    with django_assert_max_num_queries(5):  # four grouped queries and the services, whatever their number
        rows = {row.service: row for row in per_service(site, START, END)}
    mine = rows["Identiteitskaart aanvragen"]
    assert (mine.conversations, mine.remote, mine.satisfaction, mine.answers) == (5, 4, 4.5, 2)
    assert (mine.no_show.part, mine.no_show.whole, mine.verification.part, mine.verification.whole) == (1, 3, 1, 2)
    assert rows["Parkeerkaart"].conversations == 0 and rows["Parkeerkaart"].satisfaction is None

    page = manager.get(reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07"})
    html = page.content.decode()
    assert "Per dienst" in html and '<th scope="row">Parkeerkaart</th>' in html
    export = manager.get(
        reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07", "export": "csv"}
    )
    assert export["Content-Disposition"] == 'attachment; filename="digitale-balie-20261201-20261207.csv"'
    lines = export.content.decode().splitlines()
    assert "Gesprekken aan de digitale balie,5" in lines
    assert any(line.startswith("Identiteitskaart aanvragen,5,4,") for line in lines)
    only_one = manager.get(
        reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07", "service": service.pk}
    )
    assert "Per dienst" not in only_one.content.decode()


def test_staff_comments_without_names_only_with_the_text_permission(manager, django_user_model, site):
    clerk = django_user_model.objects.create_user("sofie", password="pw")
    StaffSurveyAnswer.objects.create(
        site=site, user=clerk, month=date(2026, 12, 1), satisfaction=2, tools=2, comment="Het geluid valt weg"
    )
    url, period = reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07"}
    assert "Het geluid valt weg" not in manager.get(url, period).content.decode()
    reader = django_user_model.objects.create_user("lea", password="pw")
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_counter_dashboard", "view_feedback_text"])
    )
    client = Client()
    client.force_login(reader)
    html = client.get(url, period).content.decode()
    assert "Het geluid valt weg" in html and "sofie" not in html


def test_the_period_pickers_are_the_browsers_own_and_keep_the_chosen_dates(manager):
    """Wagtail's date chooser widget called initDateChooser before its script loaded: dead pickers (issue 15)."""
    html = manager.get(reverse("digitale_balie_dashboard"), {"start": "2026-12-01", "end": "2026-12-07"}).content
    html = html.decode()
    assert "initDateChooser" not in html
    assert 'type="date" name="start" value="2026-12-01"' in html and 'name="end" value="2026-12-07"' in html
