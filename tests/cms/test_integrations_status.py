"""The admin's integrations status page: readable for superusers, never a 500, even when Jitsi is down."""

import pytest
import requests
import responses
from django.test import override_settings

from digitale_balie_plugin.models.audit import record_about

pytestmark = pytest.mark.django_db

VIDEO = {
    "BACKEND": "jitsi",
    "OPTIONS": {"DEPLOYMENT": "self_hosted", "DOMAIN": "meet.stad.example", "APP_ID": "balie", "APP_SECRET": "s" * 48},
}


@pytest.mark.parametrize(
    "answer",
    [
        {"body": "function JitsiMeetExternalAPI(){}", "status": 200},
        {"body": "<html>login</html>", "status": 200},
        {"body": "", "status": 503},
        {"body": requests.ConnectionError("refused")},
        {"body": requests.Timeout("slow")},
    ],
)
def test_status_page_reports_instead_of_failing(admin_client, answer):
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
        override_settings(DIGITALE_BALIE={"VIDEO": VIDEO}),
    ):
        mock.add(responses.GET, "https://meet.stad.example/external_api.js", **answer)
        response = admin_client.get("/admin/digitale-balie/status/")
    assert response.status_code == 200
    assert "meet.stad.example" in response.content.decode()


def test_demo_video_is_flagged_on_the_page(admin_client):
    html = admin_client.get("/admin/digitale-balie/status/").content.decode()
    assert "VIDEO" in html and "SMS" in html


def test_only_superusers(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get("/admin/digitale-balie/status/").status_code in (302, 403)


REFUSAL = "token endpoint HTTP 400 invalid_client_metadata: no suitable encryption key found (RSA-OAEP-256)"


def identity_status_page(admin_client) -> str:
    """The page with every identity provider unreachable (no network in tests): only the audit log speaks."""
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        return admin_client.get("/admin/digitale-balie/status/").content.decode()


def test_a_refused_login_stays_on_the_page_until_a_login_works(admin_client):
    record_about(
        "identity.failed",
        "digitale_balie.identityverification",
        object_id="1",
        reason="provider_refused",
        check="token_request",
        detail=REFUSAL,
        provider="balie-itsme",
    )
    assert REFUSAL in identity_status_page(admin_client)
    record_about("identity.verified", "digitale_balie.identityverification", object_id="2", provider="balie-itsme")
    assert REFUSAL not in identity_status_page(admin_client)


def test_other_failures_and_other_providers_are_not_refusals(admin_client):
    for reason, provider in (("provider_unavailable", "balie-itsme"), ("provider_refused", "balie-elsewhere")):
        record_about(
            "identity.failed", "digitale_balie.identityverification", reason=reason, detail=REFUSAL, provider=provider
        )
    assert REFUSAL not in identity_status_page(admin_client)
