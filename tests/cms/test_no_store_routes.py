"""Issue 16: every answer that shows a person's data is kept by no browser or proxy (``Cache-Control: no-store``).

The counter page's sub-pages (manage link, booking answers, room, in-call pages) are covered by
``test_no_store.py``. Here: every route of the package's own URLconf (``digitale_balie_plugin.urls``), each
requested with the right person, or named as exempt with its reason, and the admin screens with citizens' data
(Wagtail sends its admin views with ``never_cache``; checked so that it stays so for the package's screens).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from digitale_balie_plugin.calls.access import cookie_name
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.models import ParticipantAccess
from tests.admin_pages import client_for
from tests.factories import SeatFactory, make_pdf
from tests.retention.citizen_data import citizen

pytestmark = pytest.mark.django_db

#: Routes of the package's URLconf that answer nobody's data, or are tested where their data is made.
EXEMPT = {
    "set_language": "a redirect to the page the visitor came from",
    "sms_status": "the SMS gateway's delivery report: server to server, answers nothing",
    "payment_webhook": "the payment provider's notice: server to server, answers nothing",
    "identity_jwks": "our public keys, meant to be cached",
    "room_heartbeat": "POST, 204 without a body",
    "room_action": "POST, 204 without a body",
    "document_upload": "POST: a redirect, or JSON for the console (a POST's answer is not stored without "
    "explicit freshness, RFC 9111 section 4)",
    "signature_document": "tests/signatures/test_signatures.py::test_the_document_to_read_is_sandboxed_like_a_download",
    "summary_download": "tests/summary (private, no-store, like every document download)",
    "demo_checkout": "the demo provider's checkout (an amount, no person), sent with never_cache",
}


def package_routes() -> list[str]:
    """The names of every route in the package's namespace (``digitale_balie:``)."""
    resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "digitale_balie"
    )

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return sorted(set(names(resolver.url_patterns)))


def clerk_of(seat, django_user_model):
    group = Group.objects.create(name="clerks-of-the-seat")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", "work_at_counter"]))
    seat.clerk_groups.add(group)
    user = django_user_model.objects.create_user("clerk-of-the-seat", password="pw")
    user.groups.add(group)
    return user


@pytest.fixture
def requests(phone_session, seat, django_user_model, settings):
    """route name -> (client, URL): each route asked by the one person it answers."""
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "METRICS_TOKEN": "p" * 43}
    clerk = Client()
    clerk.force_login(clerk_of(seat, django_user_model))
    raw, _access = ParticipantAccess.issue(phone_session, "citizen", "Jan")
    in_room = Client()
    in_room.cookies[cookie_name(phone_session.pk)] = raw
    document = documents.upload(
        phone_session, SimpleUploadedFile("loonfiche.pdf", make_pdf()), source="citizen", actor="citizen"
    )
    return {
        "room_state": (in_room, reverse("digitale_balie:room_state", args=[phone_session.pk])),
        "seat_state": (clerk, reverse("digitale_balie:seat_state", args=[seat.pk])),
        "document_download": (clerk, reverse("digitale_balie:document_download", args=[document.pk])),
        "identity_complete": (Client(), reverse("digitale_balie:identity_complete", args=["balie-demo"])),
        # figures of the counter's state: no cache may keep a stale (or anyone's) answer
        "health_live": (Client(), reverse("digitale_balie:health_live")),
        "health_ready": (Client(), reverse("digitale_balie:health_ready")),
        "metrics": (Client(HTTP_AUTHORIZATION="Bearer " + "p" * 43), reverse("digitale_balie:metrics")),
    }


def test_every_package_route_is_asked_or_exempt(requests):
    assert set(package_routes()) == set(requests) | set(EXEMPT)


@pytest.mark.parametrize(
    "name",
    ["room_state", "seat_state", "document_download", "identity_complete", "health_live", "health_ready", "metrics"],
)
def test_package_routes_with_personal_data_are_not_stored(requests, name):
    client, url = requests[name]
    response = client.get(url)
    assert response.status_code < 500, response.status_code
    assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code, response.get("Cache-Control"))


def test_admin_screens_with_citizens_data_are_not_stored(site, service, seat, counter_page, django_user_model):
    elsewhere = SeatFactory(services_for=service)  # the footprint's made-up signature would not render in a console
    footprint = citizen(site, service, elsewhere, marker="Vier", email="vier@example.be", number="85041212345")
    client = client_for(django_user_model.objects.create_superuser("admin", "a@example.be", "pw"), "nl")
    appointment, case = footprint.appointment, footprint.case
    urls = [
        reverse("digitale_balie_appointment_modeladmin_index"),
        reverse("digitale_balie_appointment_modeladmin_index") + "?export=csv",
        reverse("digitale_balie_appointment_modeladmin_inspect", args=[appointment.pk]),
        reverse("digitale_balie_notification_modeladmin_index"),
        reverse("digitale_balie_notification_modeladmin_inspect", args=[appointment.notifications.get().pk]),
        reverse("digitale_balie_caserecord_modeladmin_index"),
        reverse("digitale_balie_caserecord_modeladmin_inspect", args=[case.pk]),
        reverse("digitale_balie_case_retry", args=[case.pk]),
        reverse("digitale_balie_finance_report"),
        reverse("digitale_balie_finance_report") + "?export=xlsx",
        reverse("digitale_balie_feedback_report"),
        reverse("digitale_balie_feedback_report") + "?export=csv",
        reverse("digitale_balie_citizen_data"),
        reverse("digitale_balie_console", args=[seat.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), url
