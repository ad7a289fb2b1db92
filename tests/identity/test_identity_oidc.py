"""The whole verification against a REAL OpenID Connect provider (panva's certified ``oidc-provider``
on Node, started by ``tests/oidc``), through our python-social-auth backends: authorization code +
PKCE, itsme-like (private_key_jwt, signed-and-encrypted ID token and UserInfo, acr, national number
claim) and FAS-like (client_secret_basic, UserInfo as a JWT, egovNRN). The provider is real; only
the negative cases make it misbehave (its test-only "tamper" switch re-signs the ID token with its
own key, a foreign key, HS256 or none).
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client, override_settings

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.models import ActionStatus, AuditEvent, FailureReason, IdentityVerification
from tests.oidc.harness import generate_client_keys

pytestmark = pytest.mark.django_db

ITSME = "http://itsme.services/v2/claim/"
JAN = "85041212369"


@pytest.fixture(autouse=True)
def frozen_now():
    """Real time here: the provider is another process, and its tokens and cookies carry real timestamps."""
    return None


@pytest.fixture(scope="module")
def itsme_client(oidc_provider):
    private, public = generate_client_keys()
    registered = oidc_provider.register_client(
        redirect_uris=["http://testserver/digitale-balie/identity/complete/balie-itsme/"],
        token_endpoint_auth_method="private_key_jwt",
        jwks=public,
        id_token_encrypted_response_alg="RSA-OAEP",
        id_token_encrypted_response_enc="A128CBC-HS256",
        userinfo_signed_response_alg="RS256",
        userinfo_encrypted_response_alg="RSA-OAEP",
        userinfo_encrypted_response_enc="A128CBC-HS256",
        scope="openid profile eid service:BALIE_TEST",
    )
    return {
        "SOCIAL_AUTH_BALIE_ITSME_OIDC_ENDPOINT": oidc_provider.issuer,
        "SOCIAL_AUTH_BALIE_ITSME_KEY": registered["client_id"],
        "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS": private,
        "SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE": "BALIE_TEST",
    }


@pytest.fixture(scope="module")
def fas_client(oidc_provider):
    registered = oidc_provider.register_client(
        redirect_uris=["http://testserver/digitale-balie/identity/complete/balie-fas/"],
        token_endpoint_auth_method="client_secret_basic",
        userinfo_signed_response_alg="RS256",
        scope="openid profile egovnrn",
    )
    return {
        "SOCIAL_AUTH_BALIE_FAS_OIDC_ENDPOINT": oidc_provider.issuer,
        "SOCIAL_AUTH_BALIE_FAS_KEY": registered["client_id"],
        "SOCIAL_AUTH_BALIE_FAS_SECRET": registered["client_secret"],
    }


@pytest.fixture(autouse=True)
def _untampered(oidc_provider):
    oidc_provider.reset()
    yield
    oidc_provider.reset()


def request_verification(session, clerk, **expected):
    action = create_action(session, "verify_identity", expected, by_user=clerk)
    return IdentityVerification.objects.get(action=action)


def start_login(citizen: Client, counter_page, verification, backend: str) -> str:
    """Type the code, consent, choose the provider: returns the provider's authorization URL."""
    code = handover.issue_code(verification.action)
    taken = citizen.post(counter_page.url + "code/", {"code": code})
    assert taken.status_code == 302, taken.content
    consent = citizen.get(taken["Location"])
    assert consent.status_code == 200
    assert "Sofie" in consent.content.decode()  # who asks: the clerk's first name
    leaving = citizen.post(taken["Location"], {"provider": backend})
    assert leaving.status_code == 302, leaving.content
    verification.action.refresh_from_db()
    assert verification.action.status == ActionStatus.IN_PROGRESS  # "at the identity provider"
    return leaving["Location"]


def come_back(citizen: Client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.netloc == "testserver"
    return citizen.get(f"{parts.path}?{parts.query}")


def outcome(verification):
    verification.refresh_from_db()
    verification.action.refresh_from_db()
    return verification.action.status, verification.failure_reason


def test_itsme_like_login_verifies_the_expected_person(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk, expected_national_number=JAN, required_level="high")
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        query = dict(parse_qsl(urlsplit(url).query))
        assert query["code_challenge_method"] == "S256" and query["code_challenge"]
        assert "service:BALIE_TEST" in query["scope"].split() and query["nonce"] and query["state"]
        assert "acr_advanced" in query["acr_values"] and "acr_basic" not in query["acr_values"]
        result = come_back(citizen, oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_advanced"))
    assert result.status_code == 302 and result["Location"].endswith(f"/verify/{verification.pk}/result/")
    page = citizen.get(result["Location"])
    assert 'data-balie-result="verified"' in page.content.decode()
    assert outcome(verification) == (ActionStatus.COMPLETED, "")
    assert verification.given_name == "Jan" and verification.family_name == "Peeters"
    assert verification.level == "high" and verification.provider == "balie-itsme"
    assert verification.matches_expected is True and str(verification.birth_date) == "1985-04-12"
    assert AuditEvent.objects.filter(action="identity.verified", object_id=str(verification.pk)).exists()


def test_fas_like_login_with_userinfo_as_jwt(oidc_provider, fas_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk, expected_national_number="92073104635")
    citizen = Client()
    with override_settings(**fas_client):
        url = start_login(citizen, counter_page, verification, "balie-fas")
        assert "egovnrn" in url
        come_back(citizen, oidc_provider.authorize(url, account="fatima", acr="urn:be:fedict:iam:fas:Level500"))
    assert outcome(verification) == (ActionStatus.COMPLETED, "")
    assert verification.given_name == "Fatima" and verification.family_name == "El Amrani"
    assert verification.matches_expected is True and verification.level == "high"


def test_someone_else_logging_in_is_a_mismatch(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk, expected_national_number=JAN)
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        come_back(citizen, oidc_provider.authorize(url, account="lucas", acr=ITSME + "acr_advanced"))
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.MISMATCH)
    assert verification.matches_expected is False


def test_a_level_below_the_required_one_is_refused(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    """The provider may ignore acr_values: we check the acr it reports."""
    verification = request_verification(phone_session, clerk, required_level="high")
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_basic"))
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.LEVEL_TOO_LOW)
    assert verification.given_name == ""  # nothing personal kept of a refused login
    assert "niet sterk genoeg" in citizen.get(page["Location"]).content.decode()


def test_the_citizen_cancels_at_the_provider(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk)
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", cancel=True))
    assert page.status_code == 302
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.CANCELLED)
    assert AuditEvent.objects.filter(action="identity.failed", object_id=str(verification.pk)).exists()


@pytest.mark.parametrize(
    "mode",
    ["wrong_nonce", "wrong_issuer", "wrong_audience", "expired", "unsigned", "foreign_key", "hs256"],
)
def test_a_misbehaving_provider_is_refused(mode, oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk)
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        oidc_provider.tamper(itsme_client["SOCIAL_AUTH_BALIE_ITSME_KEY"], mode)
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_advanced"))
    assert page.status_code == 302, page.content
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.INVALID_RESPONSE)
    assert verification.given_name == ""
    assert "doorstond onze controles niet" in citizen.get(page["Location"]).content.decode()


def test_a_replayed_authorization_code_is_refused(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    first = request_verification(phone_session, clerk)
    second = request_verification(phone_session, clerk)
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, first, "balie-itsme")
        callback = oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_advanced")
        come_back(citizen, callback)
        assert outcome(first)[0] == ActionStatus.COMPLETED
        # A new login in the same browser, answered with the OLD code: the provider refuses it.
        url = start_login(citizen, counter_page, second, "balie-itsme")
        fresh_state = dict(parse_qsl(urlsplit(url).query))["state"]
        old_code = dict(parse_qsl(urlsplit(callback).query))["code"]
        path = urlsplit(callback).path
        page = citizen.get(f"{path}?code={old_code}&state={fresh_state}")
    assert page.status_code == 302
    assert outcome(second) == (ActionStatus.FAILED, FailureReason.INVALID_RESPONSE)


def test_a_replayed_or_foreign_state_changes_nothing(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk)
    citizen, attacker = Client(), Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        callback = oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_advanced")
        foreign = come_back(attacker, callback)  # another browser: the state is not in its session
        assert foreign.status_code == 400
        assert "begon niet hier" in foreign.content.decode()
        assert outcome(verification)[0] == ActionStatus.IN_PROGRESS
        come_back(citizen, callback)
        assert outcome(verification)[0] == ActionStatus.COMPLETED
        again = come_back(citizen, callback)  # the state was used up
        assert again.status_code in (302, 400)
    missing = Client().get("/digitale-balie/identity/complete/balie-itsme/?code=abc")
    assert missing.status_code == 400
    assert AuditEvent.objects.filter(action="identity.callback_refused").count() >= 2


def test_an_unreachable_provider_is_a_clear_message(phone_session, clerk, counter_page):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    private, _public = generate_client_keys()
    verification = request_verification(phone_session, clerk)
    citizen = Client()
    settings = {
        "SOCIAL_AUTH_BALIE_ITSME_OIDC_ENDPOINT": f"http://127.0.0.1:{port}",
        "SOCIAL_AUTH_BALIE_ITSME_KEY": "nobody",
        "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS": private,
        "SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE": "X",
    }
    with override_settings(**settings):
        code = handover.issue_code(verification.action)
        consent_url = citizen.post(counter_page.url + "code/", {"code": code})["Location"]
        page = citizen.post(consent_url, {"provider": "balie-itsme"})
    assert page.status_code == 400 and "is nu niet bereikbaar" in page.content.decode()
    assert outcome(verification)[0] == ActionStatus.OPENED  # the citizen may try another way
    assert AuditEvent.objects.filter(action="identity.provider_unavailable").exists()
