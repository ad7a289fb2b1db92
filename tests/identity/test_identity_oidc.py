"""The whole verification against a REAL OpenID Connect provider (panva's certified ``oidc-provider``
on Node, started by ``tests/oidc``), through our python-social-auth backends: authorization code +
PKCE, itsme-like (private_key_jwt, signed-and-encrypted ID token and UserInfo, acr, national number
claim) and FAS-like (client_secret_basic, UserInfo as a JWT, egovNRN). The provider is real; only
the negative cases make it misbehave (its test-only "tamper" switch re-signs the ID token with its
own key, a foreign key, HS256 or none).

The itsme-like client is registered as an operator registers ours at itsme: with the keys
``balie_generate_jwks`` makes and the public key set our site publishes, encrypting with RSA-OAEP-256
(what itsme asks for) or RSA-OAEP. Every failure names the check that failed in its audit event.
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client, override_settings
from social_django.utils import load_strategy

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.integrations.identity.itsme import ItsmeBackend
from digitale_balie_plugin.management.commands.balie_generate_jwks import generate_private_jwks
from digitale_balie_plugin.models import ActionStatus, AuditEvent, FailureReason, IdentityVerification
from tests.oidc.harness import generate_client_keys

pytestmark = pytest.mark.django_db

ITSME = "http://itsme.services/v2/claim/"
JAN = "85041212369"


@pytest.fixture(autouse=True)
def frozen_now():
    """Real time here: the provider is another process, and its tokens and cookies carry real timestamps."""
    return None


#: How the provider encrypts, as registered for our client: itsme's RSA-OAEP-256, and RSA-OAEP.
ENCRYPTIONS = [("RSA-OAEP-256", "A256GCM"), ("RSA-OAEP", "A128CBC-HS256")]


def itsme_settings(oidc_provider, private, client_id="", **extra) -> dict:
    values = {
        "SOCIAL_AUTH_BALIE_ITSME_OIDC_ENDPOINT": oidc_provider.issuer,
        "SOCIAL_AUTH_BALIE_ITSME_KEY": client_id,
        "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS": private,
        "SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE": "BALIE_TEST",
    }
    values.update({f"SOCIAL_AUTH_BALIE_ITSME_{name}": value for name, value in extra.items()})
    return values


def published_jwks(oidc_provider, private, **extra) -> dict:
    """What ``/digitale-balie/identity/jwks.json`` serves for these keys (``test_identity_keys`` checks the view)."""
    with override_settings(**itsme_settings(oidc_provider, private, **extra)):
        return ItsmeBackend(load_strategy()).public_jwks()


def register_itsme(oidc_provider, private, public, alg="RSA-OAEP-256", enc="A256GCM", **extra) -> dict:
    """Register a client the way an operator registers ours at itsme; returns our settings for it."""
    registered = oidc_provider.register_client(
        redirect_uris=["http://testserver/digitale-balie/identity/complete/balie-itsme/"],
        token_endpoint_auth_method="private_key_jwt",
        jwks=public,
        id_token_encrypted_response_alg=alg,
        id_token_encrypted_response_enc=enc,
        userinfo_signed_response_alg="RS256",
        userinfo_encrypted_response_alg=alg,
        userinfo_encrypted_response_enc=enc,
        scope="openid profile eid service:BALIE_TEST",
    )
    return itsme_settings(oidc_provider, private, registered["client_id"], **extra)


@pytest.fixture(scope="module")
def itsme_client(oidc_provider):
    """Our command's keys (RSA-OAEP-256 by default), our published key set, a provider encrypting as itsme asks."""
    private = generate_private_jwks(2048)
    return register_itsme(oidc_provider, private, published_jwks(oidc_provider, private))


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


def failure_audit(verification) -> dict:
    """The ``identity.failed`` event's data: reason, the check that failed, detail, provider."""
    return AuditEvent.objects.get(action="identity.failed", object_id=str(verification.pk)).data


def login_as_jan(oidc_provider, settings, verification, counter_page, *, tamper: str = ""):
    citizen = Client()
    with override_settings(**settings):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        if tamper:
            oidc_provider.tamper(settings["SOCIAL_AUTH_BALIE_ITSME_KEY"], tamper)
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_advanced"))
    assert page.status_code == 302, page.content
    return citizen, page


@pytest.mark.parametrize(("alg", "enc"), ENCRYPTIONS)
def test_itsme_like_login_verifies_the_expected_person(alg, enc, oidc_provider, phone_session, clerk, counter_page):
    """The honest login, with keys from ``balie_generate_jwks --encryption-alg <alg>`` and the key set we publish."""
    private = generate_private_jwks(2048, alg)
    client_settings = register_itsme(oidc_provider, private, published_jwks(oidc_provider, private), alg, enc)
    verification = request_verification(phone_session, clerk, expected_national_number=JAN, required_level="high")
    citizen = Client()
    with override_settings(**client_settings):
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
    assert failure_audit(verification)["check"] == "expected_person"


def test_a_level_below_the_required_one_is_refused(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    """The provider may ignore acr_values: we check the acr it reports."""
    verification = request_verification(phone_session, clerk, required_level="high")
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", acr=ITSME + "acr_basic"))
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.LEVEL_TOO_LOW)
    assert verification.given_name == ""  # nothing personal kept of a refused login
    assert failure_audit(verification)["check"] == "level"
    assert "niet sterk genoeg" in citizen.get(page["Location"]).content.decode()


def test_the_citizen_cancels_at_the_provider(oidc_provider, itsme_client, phone_session, clerk, counter_page):
    verification = request_verification(phone_session, clerk)
    citizen = Client()
    with override_settings(**itsme_client):
        url = start_login(citizen, counter_page, verification, "balie-itsme")
        page = come_back(citizen, oidc_provider.authorize(url, account="jan", cancel=True))
    assert page.status_code == 302
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.CANCELLED)
    assert failure_audit(verification)["check"] == ""  # no check failed: the citizen stopped


@pytest.mark.parametrize(
    ("mode", "check"),
    [
        ("wrong_nonce", "nonce"),
        ("wrong_issuer", "issuer"),
        ("wrong_audience", "audience"),
        ("expired", "expiry"),
        ("unsigned", "signature_algorithm"),
        ("foreign_key", "signature"),
        ("hs256", "signature_algorithm"),
    ],
)
def test_a_misbehaving_provider_is_refused(
    mode, check, oidc_provider, itsme_client, phone_session, clerk, counter_page
):
    verification = request_verification(phone_session, clerk)
    citizen, page = login_as_jan(oidc_provider, itsme_client, verification, counter_page, tamper=mode)
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.INVALID_RESPONSE)
    assert verification.given_name == ""
    assert "doorstond onze controles niet" in citizen.get(page["Location"]).content.decode()
    audit = failure_audit(verification)
    assert (audit["check"], audit["provider"]) == (check, "balie-itsme")
    assert audit["detail"].startswith("id_token")


def test_keys_for_rsa_oaep_at_a_provider_registered_for_rsa_oaep_256_are_a_refusal(
    oidc_provider, phone_session, clerk, counter_page
):
    """The first real itsme login: keys published for RSA-OAEP, a client registered for RSA-OAEP-256. The
    provider answers the token request with HTTP 400; that is a refusal of our client, not "unreachable"."""
    private = generate_private_jwks(2048, "RSA-OAEP")
    client_settings = register_itsme(oidc_provider, private, published_jwks(oidc_provider, private))
    verification = request_verification(phone_session, clerk)
    login_as_jan(oidc_provider, client_settings, verification, counter_page)
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.PROVIDER_REFUSED)
    audit = failure_audit(verification)
    assert audit["check"] == "token_request" and audit["provider"] == "balie-itsme"
    assert audit["detail"].startswith("token endpoint HTTP 400 invalid_client_metadata")
    assert "no suitable encryption key found (RSA-OAEP-256)" in audit["detail"]
    assert verification.provider == "balie-itsme"  # the clerk sees which provider refused


def test_relabelling_the_key_for_rsa_oaep_256_mends_that_login(oidc_provider, phone_session, clerk, counter_page):
    """The operator's fix without new keys: ``..._ENCRYPTION_ALG = "RSA-OAEP-256"``, then the key set we now
    publish is what the provider reads (itsme fetches our ``jwks_uri``; here we register it again)."""
    private = generate_private_jwks(2048, "RSA-OAEP")
    public = published_jwks(oidc_provider, private, ENCRYPTION_ALG="RSA-OAEP-256")
    assert {key["use"]: key["alg"] for key in public["keys"]}["enc"] == "RSA-OAEP-256"
    client_settings = register_itsme(oidc_provider, private, public, ENCRYPTION_ALG="RSA-OAEP-256")
    verification = request_verification(phone_session, clerk)
    login_as_jan(oidc_provider, client_settings, verification, counter_page)
    assert outcome(verification) == (ActionStatus.COMPLETED, "")


def test_an_answer_encrypted_with_another_algorithm_than_ours_is_refused(
    oidc_provider, phone_session, clerk, counter_page
):
    """The provider holds an old registration (RSA-OAEP) while we decrypt only with RSA-OAEP-256 (RFC 8725 §3.1)."""
    private = generate_private_jwks(2048, "RSA-OAEP")
    old_registration = published_jwks(oidc_provider, private)
    client_settings = register_itsme(
        oidc_provider, private, old_registration, "RSA-OAEP", "A128CBC-HS256", ENCRYPTION_ALG="RSA-OAEP-256"
    )
    verification = request_verification(phone_session, clerk)
    login_as_jan(oidc_provider, client_settings, verification, counter_page)
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.INVALID_RESPONSE)
    audit = failure_audit(verification)
    assert audit["check"] == "encryption_algorithm"
    assert audit["detail"] == "id_token: alg RSA-OAEP, our key: RSA-OAEP-256"


def test_an_answer_encrypted_to_another_key_is_a_decryption_failure(oidc_provider, phone_session, clerk, counter_page):
    ours, foreign = generate_private_jwks(2048), generate_private_jwks(2048)
    public = {
        "keys": [
            next(key for key in published_jwks(oidc_provider, ours)["keys"] if key["use"] == "sig"),
            next(key for key in published_jwks(oidc_provider, foreign)["keys"] if key["use"] == "enc"),
        ]
    }
    client_settings = register_itsme(oidc_provider, ours, public)
    verification = request_verification(phone_session, clerk)
    login_as_jan(oidc_provider, client_settings, verification, counter_page)
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.INVALID_RESPONSE)
    assert failure_audit(verification)["check"] == "decryption"


def test_a_wrong_client_secret_is_a_refusal_not_unreachable(
    oidc_provider, fas_client, phone_session, clerk, counter_page
):
    verification = request_verification(phone_session, clerk)
    citizen = Client()
    with override_settings(**{**fas_client, "SOCIAL_AUTH_BALIE_FAS_SECRET": "not-the-secret"}):
        url = start_login(citizen, counter_page, verification, "balie-fas")
        come_back(citizen, oidc_provider.authorize(url, account="fatima", acr="urn:be:fedict:iam:fas:Level500"))
    assert outcome(verification) == (ActionStatus.FAILED, FailureReason.PROVIDER_REFUSED)
    audit = failure_audit(verification)
    assert audit["check"] == "token_request" and audit["provider"] == "balie-fas"
    assert audit["detail"].startswith("token endpoint HTTP 401 invalid_client")


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
    audit = failure_audit(second)
    assert audit["check"] == "authorization_code" and audit["detail"] == "token endpoint: invalid_grant"


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
