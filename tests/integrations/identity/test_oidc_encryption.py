"""Our encryption key and the checks of an answer, offline: which algorithm the key is published for, that
decryption accepts that algorithm and no other, and that every failed check has a stable name.

The same behaviour against a real provider (oidc-provider encrypting with RSA-OAEP-256 or RSA-OAEP) is in
``tests/identity/test_identity_oidc.py``.
"""

import json

import pytest
import responses
from django.test import override_settings
from django.utils.translation import gettext
from joserfc import jwe
from joserfc.jwk import KeySet, RSAKey
from social_core.exceptions import (
    AuthCanceled,
    AuthProviderError,
    AuthResponseError,
    AuthSessionError,
)
from social_django.utils import load_strategy

from digitale_balie_plugin.integrations.identity.base import CheckFailed, FailedCheck, failed_check
from digitale_balie_plugin.integrations.identity.fas import FasBackend
from digitale_balie_plugin.integrations.identity.itsme import ItsmeBackend
from digitale_balie_plugin.integrations.identity.oidc import OIDCVerificationBackend
from digitale_balie_plugin.integrations.identity.status import check_backend
from digitale_balie_plugin.management.commands.balie_generate_jwks import generate_private_jwks

ENDPOINT = "https://idp.test.example"
PRIVATE = generate_private_jwks(2048, "RSA-OAEP")  # as the command made them before RSA-OAEP-256 was the default
ENCRYPTION_LINE = "Encryption (ID token, UserInfo)"


def itsme(private=PRIVATE, **settings):
    values = {
        "SOCIAL_AUTH_BALIE_ITSME_KEY": "partner",
        "SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE": "BALIE",
        "SOCIAL_AUTH_BALIE_ITSME_OIDC_ENDPOINT": ENDPOINT,
        "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS": private,
    }
    values.update({f"SOCIAL_AUTH_BALIE_ITSME_{name}": value for name, value in settings.items()})
    return override_settings(**values)


def backend() -> ItsmeBackend:
    return ItsmeBackend(load_strategy())


def published(**settings) -> dict:
    with itsme(**settings):
        return {key["use"]: key for key in backend().public_jwks()["keys"]}


def encrypt_to_us(alg: str, enc: str = "A256GCM", private=PRIVATE, plaintext: bytes = b"a.b.c") -> str:
    """What a provider sends: a JWE to the public half of our ``enc`` key, with ``alg`` of its choosing."""
    key = next(key for key in private["keys"] if key["use"] == "enc")
    public = RSAKey.import_key({k: v for k, v in key.items() if k in ("kty", "n", "e", "kid")})
    registry = jwe.JWERegistry(algorithms=[alg, enc])
    header = {"alg": alg, "enc": enc, "kid": key["kid"], "cty": "JWT"}
    return jwe.encrypt_compact(header, plaintext, public, registry=registry)


# -- the key pair and what we publish ----------------------------------------------------------------------


def test_the_command_labels_the_encryption_key_as_itsme_asks_unless_told_otherwise():
    default = {key["use"]: key for key in generate_private_jwks(2048)["keys"]}
    assert (default["sig"]["alg"], default["enc"]["alg"]) == ("RS256", "RSA-OAEP-256")
    assert {key["use"]: key["alg"] for key in PRIVATE["keys"]} == {"sig": "RS256", "enc": "RSA-OAEP"}
    with pytest.raises(ValueError):
        generate_private_jwks(2048, "RSA1_5")


def test_the_published_encryption_key_carries_the_keys_own_algorithm():
    keys = published()
    assert keys["enc"]["alg"] == "RSA-OAEP" and keys["sig"]["alg"] == "RS256"
    assert "d" not in keys["enc"] and "d" not in keys["sig"]


def test_the_setting_relabels_an_existing_key_without_a_new_one():
    before, after = published(), published(ENCRYPTION_ALG="RSA-OAEP-256")
    assert after["enc"]["alg"] == "RSA-OAEP-256"
    assert (after["enc"]["kid"], after["enc"]["n"]) == (before["enc"]["kid"], before["enc"]["n"])
    assert after["sig"] == before["sig"]


def test_a_key_that_names_no_algorithm_is_for_rsa_oaep_256():
    private = {"keys": [{k: v for k, v in key.items() if k != "alg"} for key in PRIVATE["keys"]]}
    assert published(private=private)["enc"]["alg"] == "RSA-OAEP-256"


@pytest.mark.parametrize("settings", [{"ENCRYPTION_ALG": "RSA1_5"}, {"ENCRYPTION_ALG": "dir"}])
def test_an_algorithm_we_refuse_to_decrypt_with_is_a_configuration_error(settings):
    with itsme(**settings):
        problems = backend().check_config()
    assert any("SOCIAL_AUTH_BALIE_ITSME_ENCRYPTION_ALG" in problem for problem in problems), problems
    assert published(**settings) == {}  # nothing published rather than a key the provider would misuse


def test_a_signing_key_without_use_is_never_an_encryption_key():
    private = {"keys": [{k: v for k, v in key.items() if k != "use"} for key in PRIVATE["keys"]]}
    with itsme(private=private, ENCRYPTION_ALG="RSA-OAEP-256"):
        keys = backend().encryption_keys()
    assert [key.get("alg") for key in keys] == ["RSA-OAEP-256"]  # the former enc key, relabelled; not the RS256 one


def test_a_key_labelled_rsa1_5_is_a_configuration_error():
    private = json.loads(json.dumps(PRIVATE))
    next(key for key in private["keys"] if key["use"] == "enc")["alg"] = "RSA1_5"
    with itsme(private=private):
        assert any("ENCRYPTION_ALG" in problem for problem in backend().check_config())


# -- decryption: the configured algorithm, and no other ----------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "alg"),
    [({}, "RSA-OAEP"), ({"ENCRYPTION_ALG": "RSA-OAEP-256"}, "RSA-OAEP-256")],
)
def test_an_answer_encrypted_with_the_configured_algorithm_is_opened(settings, alg):
    """Opened, then checked further: the plaintext here is no signed token, so the next check fails."""
    with itsme(**settings), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token(encrypt_to_us(alg), "access-token")
    assert raised.value.check == FailedCheck.MALFORMED


@pytest.mark.parametrize(
    ("settings", "alg"),
    [({}, "RSA-OAEP-256"), ({"ENCRYPTION_ALG": "RSA-OAEP-256"}, "RSA-OAEP")],
)
def test_an_answer_encrypted_with_another_algorithm_is_refused(settings, alg):
    """RFC 8725 §3.1: one key, one algorithm, checked when the key is used."""
    with itsme(**settings), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token(encrypt_to_us(alg), "access-token")
    assert raised.value.check == FailedCheck.ENCRYPTION_ALGORITHM
    assert raised.value.where == "id_token" and f"alg {alg}" in raised.value.audit_detail()


def test_content_encryption_outside_the_list_is_refused():
    with itsme(), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token(encrypt_to_us("RSA-OAEP", enc="A192GCM"), "access-token")
    assert raised.value.check == FailedCheck.ENCRYPTION_ALGORITHM and "A192GCM" in raised.value.note


def test_an_answer_for_another_key_cannot_be_decrypted():
    foreign = generate_private_jwks(2048, "RSA-OAEP")
    with itsme(), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token(encrypt_to_us("RSA-OAEP", private=foreign), "access-token")
    assert raised.value.check == FailedCheck.DECRYPTION


def test_an_unreadable_jwe_header_is_malformed():
    with itsme(), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token("%%%.a.b.c.d", "access-token")
    assert raised.value.check == FailedCheck.MALFORMED


def test_itsme_refuses_a_plain_id_token():
    with itsme(), pytest.raises(CheckFailed) as raised:
        backend().validate_and_return_id_token("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "access-token")
    assert raised.value.check == FailedCheck.ENCRYPTION_REQUIRED


def test_an_unsigned_token_names_the_signature_algorithm():
    unsigned = "eyJhbGciOiJub25lIn0.e30."  # {"alg": "none"}.{}
    settings = {"SOCIAL_AUTH_BALIE_OIDC_OIDC_ENDPOINT": ENDPOINT, "SOCIAL_AUTH_BALIE_OIDC_KEY": "balie"}
    with override_settings(**settings), pytest.raises(CheckFailed) as raised:
        OIDCVerificationBackend(load_strategy()).validate_and_return_id_token(unsigned, "access-token")
    assert raised.value.check == FailedCheck.SIGNATURE_ALGORITHM and raised.value.note == "alg none"


# -- every failed check has a stable name ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "check"),
    [
        (AuthResponseError(None, code="invalid_claim", claim="aud"), "audience"),
        (AuthResponseError(None, code="invalid_claim", claim="iss"), "issuer"),
        (AuthResponseError(None, code="invalid_claim", claim="azp"), "authorized_party"),
        (AuthResponseError(None, code="invalid_claim", claim="at_hash"), "at_hash"),
        (AuthResponseError(None, code="response_expired", claim="exp"), "expiry"),
        (AuthResponseError(None, code="response_expired"), "expiry"),
        (AuthResponseError(None, code="response_expired", claim="iat"), "issued_at"),
        (AuthResponseError(None, code="response_not_yet_valid"), "not_yet_valid"),
        (AuthResponseError(None, code="nonce_mismatch"), "nonce"),
        (AuthResponseError(None, code="invalid_signature"), "signature"),
        (AuthResponseError(None, code="missing_claim", claim="exp"), "required_claim"),
        (AuthResponseError(None, code="invalid_claim"), "malformed"),
        (AuthSessionError(None, code="state_mismatch"), "state"),
        (AuthSessionError(None, code="session_context_missing"), "state"),
        (CheckFailed(None, FailedCheck.DECRYPTION, where="userinfo"), "decryption"),
        (AuthCanceled(None), ""),
        (AuthProviderError(None, code="timeout"), ""),
        (ValueError("not ours"), ""),
    ],
)
def test_a_failure_names_its_check(error, check):
    assert failed_check(error) == check
    assert check == "" or check in set(FailedCheck)


def test_a_userinfo_check_is_a_user_info_failure():
    assert CheckFailed(None, FailedCheck.SIGNATURE, where="userinfo").stage == "user_info"
    assert CheckFailed(None, FailedCheck.SIGNATURE, where="id_token").stage == "token_validation"


# -- the status page -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "offered", "ok"),
    [
        ({}, ["RSA-OAEP-256"], False),
        ({"ENCRYPTION_ALG": "RSA-OAEP-256"}, ["RSA-OAEP", "RSA-OAEP-256"], True),
        ({}, [], None),
    ],
)
def test_the_status_page_compares_our_encryption_key_with_the_provider(settings, offered, ok):
    discovery = {"issuer": ENDPOINT, "jwks_uri": f"{ENDPOINT}/jwks"}
    if offered:
        discovery["id_token_encryption_alg_values_supported"] = offered
    with itsme(**settings), responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{ENDPOINT}/.well-known/openid-configuration", json=discovery)
        mock.add(responses.GET, f"{ENDPOINT}/jwks", json={"keys": [{"kty": "RSA", "kid": "1"}]})
        lines = {line.label: line for line in check_backend(ItsmeBackend)}
    line = lines[gettext(ENCRYPTION_LINE)]
    assert line.ok is ok and line.detail.startswith(settings.get("ENCRYPTION_ALG", "RSA-OAEP"))


def test_a_backend_without_keys_shows_no_encryption_line():
    settings = {"SOCIAL_AUTH_BALIE_FAS_KEY": "client", "SOCIAL_AUTH_BALIE_FAS_SECRET": "secret"}
    endpoint = "https://idp.iamfas.int.belgium.be/fas/oauth2"
    discovery = {"issuer": endpoint, "jwks_uri": f"{endpoint}/jwks"}
    with override_settings(**settings), responses.RequestsMock() as mock:
        mock.add(responses.GET, f"{endpoint}/.well-known/openid-configuration", json=discovery)
        mock.add(responses.GET, f"{endpoint}/jwks", json={"keys": []})
        labels = [line.label for line in check_backend(FasBackend)]
    assert labels and gettext(ENCRYPTION_LINE) not in labels


def test_public_keys_are_a_key_set():
    """What we publish imports as a JWK set (what the provider will do with it)."""
    with itsme(ENCRYPTION_ALG="RSA-OAEP-256"):
        KeySet.import_key_set(backend().public_jwks())
