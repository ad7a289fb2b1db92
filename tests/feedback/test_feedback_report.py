"""The feedback report: averages by service, channel and seat as SVG charts; free text only with permission."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from digitale_balie_plugin.models import Feedback
from tests.factories import SeatFactory, ServiceFactory

pytestmark = pytest.mark.django_db

URL = "digitale_balie_feedback_report"


@pytest.fixture
def answers(site, service, seat):
    other = ServiceFactory(site=site, name="Parkeerkaart", slug="parkeerkaart")
    other_seat = SeatFactory(services_for=other, name="Loket 2")
    rows = [
        (service, seat, "video", 5, "Heel vlot"),
        (service, seat, "phone", 3, ""),
        (other, other_seat, "video", 2, "Beeld viel weg"),
    ]
    for svc, place, channel, score, comment in rows:
        Feedback.objects.create(
            site=site,
            source="call",
            service=svc,
            seat=place,
            channel=channel,
            given_on=date(2026, 12, 3),
            satisfaction=score,
            comment=comment,
        )
    Feedback.objects.create(
        site=site,
        source="page",
        given_on=date(2026, 12, 4),
        satisfaction=4,
        comment="Bel mij",
        contact_ok=True,
        contact_email="bel@example.be",
    )
    return other


def user_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user("mia", password="pw")
    # Every seat's answers (without view_all_seats, a user sees their own seats': tests/cms/test_admin_scope.py).
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_all_seats", *codenames]))
    client = Client()
    client.force_login(user)
    return client


def test_averages_and_charts_without_the_free_text(django_user_model, answers):
    client = user_with(django_user_model, "view_feedback_report")
    html = client.get(reverse(URL)).content.decode()
    assert "4 antwoorden" in html and "tevredenheid 3,5" in html
    assert "Gemiddelde tevredenheid per dienst" in html and html.count('<svg role="img"') == 4
    assert "Identiteitskaart aanvragen" in html and "Parkeerkaart" in html
    assert "(geen)" not in html  # the page's form is in the channel chart ("Pagina"), not as a service or seat
    assert "3 december 2026" in html  # a day, not "x days ago"
    assert "Heel vlot" not in html and "bel@example.be" not in html
    assert "alleen met de toelating" in html
    export = client.get(reverse(URL), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Heel vlot" not in body and "bel@example.be" not in body and "Tevredenheid" in body


def test_with_the_text_permission_comments_are_shown_and_exported(django_user_model, answers):
    client = user_with(django_user_model, "view_feedback_report", "view_feedback_text")
    html = client.get(reverse(URL)).content.decode()
    assert "Heel vlot" in html and "Beeld viel weg" in html
    export = client.get(reverse(URL), {"export": "xlsx"})
    from openpyxl import load_workbook

    content = b"".join(export.streaming_content) if export.streaming else export.content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Beeld viel weg" in values and "bel@example.be" in values


def test_filter_by_service_changes_the_averages(django_user_model, answers):
    client = user_with(django_user_model, "view_feedback_report")
    html = client.get(reverse(URL), {"service": answers.pk}).content.decode()
    assert "1 antwoord ·" in html
    assert "tevredenheid 2,0" in html


def test_without_permission_no_report(client, django_user_model, answers):
    assert client.get(reverse(URL)).status_code == 302
    clerk = user_with(django_user_model, "work_at_counter")
    assert clerk.get(reverse(URL)).status_code == 302
    assert clerk.get(reverse(URL), {"export": "csv"}).status_code == 302
