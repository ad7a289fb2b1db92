"""Self-tests of the OpenID Connect test provider (tests/oidc): real HTTP against the node process.

These drive the whole authorization-code flow with plain ``requests``, ``joserfc`` and PyJWT, without any
project code, so that when a relying-party test fails we know the provider is not the one to blame. They
also pin down what the relying party has to cope with (see the module constants and the assertions on
which claims land in the ID token and which only in UserInfo).
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from joserfc import jwe
from joserfc import jwt as jose_jwt
from joserfc.jwk import RSAKey
from joserfc.registry import HeaderParameter

from tests.oidc.harness import Harness, HarnessError, generate_client_keys

NATIONAL_NUMBER = "http://itsme.services/v2/claim/BENationalNumber"
ITSME_BASIC = "http://itsme.services/v2/claim/acr_basic"
ITSME_ADVANCED = "http://itsme.services/v2/claim/acr_advanced"
FAS_450 = "urn:be:fedict:iam:fas:Level450"
FAS_500 = "urn:be:fedict:iam:fas:Level500"
ITSME_REDIRECT = "http://testserver/itsme/callback/"
FAS_REDIRECT = "http://testserver/fas/callback/"
TIMEOUT = 10


# -- helpers: what a relying party does, written out by hand ------------------------------------------


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Flow:
    """One authorization request's secrets and the redirect it came back with."""

    def __init__(self, harness: Harness, client: dict, redirect_uri: str, **params: str | None) -> None:
        """``params`` are added to the authorization request; a None value drops a default parameter."""
        self.harness = harness
        self.client = client
        self.redirect_uri = redirect_uri
        self.state = secrets.token_urlsafe(16)
        self.nonce = secrets.token_urlsafe(16)
        self.verifier, challenge = pkce_pair()
        query = {
            "client_id": client["client_id"],
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        query.update(params)
        query = {key: value for key, value in query.items() if value is not None}
        self.url = f"{harness.metadata['authorization_endpoint']}?{urlencode(query)}"

    def authorize(self, account: str, **kwargs) -> dict[str, str]:
        location = self.harness.authorize(self.url, account=account, **kwargs)
        assert location.startswith(self.redirect_uri), location
        return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def client_assertion(client_id: str, audience: str, private_jwks: dict) -> str:
    sig = next(key for key in private_jwks["keys"] if key["use"] == "sig")
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": uuid.uuid4().hex, "iat": now, "exp": now + 60}
    return jose_jwt.encode({"alg": "RS256", "kid": sig["kid"]}, claims, RSAKey.import_key(sig))


def token_request(
    harness: Harness, client: dict, flow: Flow, code: str, *, private_jwks: dict | None = None, **overrides: str
) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow.redirect_uri,
        "code_verifier": flow.verifier,
    }
    auth = None
    if client["token_endpoint_auth_method"] == "private_key_jwt":
        data["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        data["client_assertion"] = client_assertion(
            client["client_id"], harness.metadata["token_endpoint"], private_jwks
        )
    elif client["token_endpoint_auth_method"] == "client_secret_basic":
        auth = (client["client_id"], client["client_secret"])
    else:
        data.update(client_id=client["client_id"], client_secret=client["client_secret"])
    data.update(overrides)
    return requests.post(harness.metadata["token_endpoint"], data=data, auth=auth, timeout=TIMEOUT)


# oidc-provider replicates iss and aud into the JWE protected header (RFC 7519 section 5.3); joserfc refuses
# header parameters it does not know unless told about them.
REPLICATED_CLAIMS = {
    "iss": HeaderParameter("Issuer, replicated from the encrypted JWT", "str"),
    "aud": HeaderParameter("Audience, replicated from the encrypted JWT", "str"),
}


def decrypt(token: str, private_jwks: dict, *, alg: str = "RSA-OAEP", enc: str = "A128CBC-HS256") -> str:
    key = next(key for key in private_jwks["keys"] if key["use"] == "enc")
    registry = jwe.JWERegistry(header_registry=REPLICATED_CLAIMS, algorithms=[alg, enc])
    return jwe.decrypt_compact(token, RSAKey.import_key(key), registry=registry).plaintext.decode()


def verify(token: str, harness: Harness, audience: str) -> dict:
    """Full JWS validation as a relying party must do it: RS256 only, provider key, iss, aud, exp."""
    key = jwt.PyJWK(harness.signing_public_jwks["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=harness.issuer)


def jwe_protected_header(token: str) -> dict:
    encoded = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def unverified(token: str) -> tuple[dict, dict]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


# -- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client_keys() -> tuple[dict, dict]:
    return generate_client_keys()


@pytest.fixture(autouse=True)
def _no_leftover_tampering(oidc_provider: Harness) -> Iterator[None]:
    yield
    oidc_provider.reset()


@pytest.fixture
def itsme_client(oidc_provider: Harness, client_keys: tuple[dict, dict]) -> dict:
    _private, public = client_keys
    return oidc_provider.register_client(
        redirect_uris=[ITSME_REDIRECT],
        token_endpoint_auth_method="private_key_jwt",
        jwks=public,
        id_token_encrypted_response_alg="RSA-OAEP",
        id_token_encrypted_response_enc="A128CBC-HS256",
        userinfo_signed_response_alg="RS256",
        userinfo_encrypted_response_alg="RSA-OAEP",
        userinfo_encrypted_response_enc="A128CBC-HS256",
        scope="openid profile eid service:BALIE_TEST",
    )


@pytest.fixture
def fas_client(oidc_provider: Harness) -> dict:
    return oidc_provider.register_client(
        redirect_uris=[FAS_REDIRECT],
        token_endpoint_auth_method="client_secret_basic",
        userinfo_signed_response_alg="RS256",
        scope="openid profile egovnrn",
    )


def itsme_flow(harness: Harness, client: dict, acr: str = ITSME_ADVANCED) -> Flow:
    return Flow(
        harness,
        client,
        ITSME_REDIRECT,
        scope="openid profile eid service:BALIE_TEST",
        acr_values=acr,
        claims=json.dumps({"id_token": {NATIONAL_NUMBER: {"essential": True}}, "userinfo": {NATIONAL_NUMBER: None}}),
    )


def fas_flow(harness: Harness, client: dict, acr: str = FAS_450) -> Flow:
    return Flow(harness, client, FAS_REDIRECT, scope="openid profile egovnrn", acr_values=acr)


# -- (a) itsme-like ----------------------------------------------------------------------------------------


def test_itsme_like_flow_private_key_jwt_encrypted_id_token_and_userinfo(oidc_provider, itsme_client, client_keys):
    private, _public = client_keys
    assert itsme_client["token_endpoint_auth_method"] == "private_key_jwt"
    assert "client_secret" not in itsme_client
    flow = itsme_flow(oidc_provider, itsme_client)

    callback = flow.authorize("jan", acr=ITSME_ADVANCED)
    assert callback["state"] == flow.state
    assert callback["iss"] == oidc_provider.issuer  # RFC 9207 iss in the authorization response

    response = token_request(oidc_provider, itsme_client, flow, callback["code"], private_jwks=private)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"].lower() == "bearer"

    # Nested JWT: JWE (RSA-OAEP, A128CBC-HS256) around a JWS (RS256) signed by the provider.
    assert tokens["id_token"].count(".") == 4
    jwe_header = jwe_protected_header(tokens["id_token"])
    assert jwe_header == {
        "alg": "RSA-OAEP",
        "enc": "A128CBC-HS256",
        "cty": "JWT",
        "kid": next(key["kid"] for key in private["keys"] if key["use"] == "enc"),
        "iss": oidc_provider.issuer,  # replicated claims: a strict JWE library must be told to accept them
        "aud": itsme_client["client_id"],
    }
    id_token = decrypt(tokens["id_token"], private)
    assert jwt.get_unverified_header(id_token)["kid"] == oidc_provider.signing_jwks["keys"][0]["kid"]
    claims = verify(id_token, oidc_provider, itsme_client["client_id"])
    assert claims["iss"] == oidc_provider.issuer
    assert claims["aud"] == itsme_client["client_id"]
    assert claims["nonce"] == flow.nonce
    assert claims["acr"] == ITSME_ADVANCED
    assert claims["sub"] == "jan-pairwise-1"
    assert claims[NATIONAL_NUMBER] == oidc_provider.accounts["jan"][NATIONAL_NUMBER] == "85041212369"
    assert isinstance(claims["auth_time"], int)
    # Scope-requested claims go to UserInfo only (OIDC Core 5.4): the ID token has what `claims` asked for.
    assert "given_name" not in claims

    userinfo = requests.get(
        oidc_provider.metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=TIMEOUT,
    )
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.headers["Content-Type"].startswith("application/jwt")
    assert userinfo.text.count(".") == 4
    info = verify(decrypt(userinfo.text, private), oidc_provider, itsme_client["client_id"])
    assert info["sub"] == "jan-pairwise-1"
    assert (info["given_name"], info["family_name"], info["birthdate"]) == ("Jan", "Peeters", "1985-04-12")
    assert info[NATIONAL_NUMBER] == "85041212369"
    assert "egovNRN" not in info  # egovnrn scope not requested


def test_client_assertion_audience_must_be_the_token_endpoint(oidc_provider, itsme_client, client_keys):
    private, _public = client_keys
    flow = itsme_flow(oidc_provider, itsme_client)
    code = flow.authorize("fatima")["code"]
    wrong = client_assertion(itsme_client["client_id"], oidc_provider.issuer, private)
    response = token_request(oidc_provider, itsme_client, flow, code, private_jwks=private, client_assertion=wrong)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"


def test_the_acr_chosen_in_the_form_wins_over_voluntary_acr_values(oidc_provider, itsme_client, client_keys):
    private, _public = client_keys
    flow = itsme_flow(oidc_provider, itsme_client, acr=ITSME_ADVANCED)
    code = flow.authorize("lucas", acr=ITSME_BASIC)["code"]
    tokens = token_request(oidc_provider, itsme_client, flow, code, private_jwks=private).json()
    claims = verify(decrypt(tokens["id_token"], private), oidc_provider, itsme_client["client_id"])
    assert claims["acr"] == ITSME_BASIC
    assert claims["sub"] == "lucas-pairwise-3"


# -- (b) FAS-like ------------------------------------------------------------------------------------------


def test_fas_like_flow_client_secret_basic_signed_id_token_and_userinfo_jwt(oidc_provider, fas_client):
    assert fas_client["client_secret"]
    flow = fas_flow(oidc_provider, fas_client)
    callback = flow.authorize("fatima")  # no acr chosen: the form preselects the request's acr_values
    assert callback["state"] == flow.state

    response = token_request(oidc_provider, fas_client, flow, callback["code"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["id_token"].count(".") == 2  # plain JWS, not encrypted
    claims = verify(tokens["id_token"], oidc_provider, fas_client["client_id"])
    assert claims["nonce"] == flow.nonce
    assert claims["acr"] == FAS_450
    assert claims["sub"] == "fatima-pairwise-2"

    userinfo = requests.get(
        oidc_provider.metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=TIMEOUT,
    )
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.headers["Content-Type"].startswith("application/jwt")
    info = verify(userinfo.text, oidc_provider, fas_client["client_id"])
    assert info["egovNRN"] == oidc_provider.accounts["fatima"]["egovNRN"] == "92073104635"
    assert (info["givenName"], info["surname"]) == ("Fatima", "El Amrani")
    assert NATIONAL_NUMBER not in info  # eid scope not requested


def test_client_secret_post_is_accepted(oidc_provider):
    client = oidc_provider.register_client(
        redirect_uris=[FAS_REDIRECT], token_endpoint_auth_method="client_secret_post"
    )
    flow = Flow(oidc_provider, client, FAS_REDIRECT, scope="openid profile")
    code = flow.authorize("jan")["code"]
    response = token_request(oidc_provider, client, flow, code)
    assert response.status_code == 200, response.text
    claims = verify(response.json()["id_token"], oidc_provider, client["client_id"])
    assert claims["acr"] == oidc_provider.acr_values[0]  # no acr_values: the first configured level


# -- (c) cancel, (d) replay, (e) PKCE -------------------------------------------------------------------


def test_cancel_redirects_with_access_denied_and_the_state(oidc_provider, fas_client):
    flow = fas_flow(oidc_provider, fas_client)
    callback = flow.authorize("jan", cancel=True)
    assert callback["error"] == "access_denied"
    assert callback["error_description"] == "The user cancelled."
    assert callback["state"] == flow.state
    assert "code" not in callback


def test_a_replayed_authorization_code_gets_invalid_grant(oidc_provider, fas_client):
    flow = fas_flow(oidc_provider, fas_client)
    code = flow.authorize("lucas")["code"]
    assert token_request(oidc_provider, fas_client, flow, code).status_code == 200
    replay = token_request(oidc_provider, fas_client, flow, code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_authorization_without_pkce_is_refused(oidc_provider, fas_client):
    flow = Flow(
        oidc_provider, fas_client, FAS_REDIRECT, scope="openid", code_challenge=None, code_challenge_method=None
    )
    assert "code_challenge" not in flow.url
    callback = flow.authorize("jan")  # refused before any login form
    assert callback["error"] == "invalid_request"
    assert "PKCE" in callback["error_description"]
    assert callback["state"] == flow.state


def test_plain_pkce_is_refused(oidc_provider, fas_client):
    flow = Flow(oidc_provider, fas_client, FAS_REDIRECT, scope="openid", code_challenge_method="plain")
    callback = flow.authorize("jan")
    assert callback["error"] == "invalid_request"
    assert "code_challenge_method" in callback["error_description"]


def test_a_wrong_code_verifier_gets_invalid_grant(oidc_provider, fas_client):
    flow = fas_flow(oidc_provider, fas_client)
    code = flow.authorize("jan")["code"]
    response = token_request(oidc_provider, fas_client, flow, code, code_verifier=pkce_pair()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_harness_refuses_unknown_accounts_and_acrs(oidc_provider, fas_client):
    with pytest.raises(ValueError, match="unknown account"):
        fas_flow(oidc_provider, fas_client).authorize("mallory")
    with pytest.raises(ValueError, match="unknown acr"):
        fas_flow(oidc_provider, fas_client).authorize("jan", acr="urn:nope")
    with pytest.raises(HarnessError, match="redirect_uri"):
        unregistered = Flow(oidc_provider, fas_client, "http://testserver/not-registered/", scope="openid")
        oidc_provider.authorize(unregistered.url, account="jan")


# -- (f) tampering ---------------------------------------------------------------------------------------


def _provider_public_pem(harness: Harness) -> bytes:
    public = RSAKey.import_key(harness.signing_public_jwks["keys"][0]).public_key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_forgery(
    mode: str, token: str, harness: Harness, flow: Flow, client_id: str, account: str, chosen_acr: str
) -> None:
    """Decode the forged token without trusting it and check it is exactly the forgery the mode promises."""
    header, claims = unverified(token)
    provider_kid = harness.signing_jwks["keys"][0]["kid"]
    assert claims["sub"] == harness.accounts[account]["sub"]  # built from the real token
    if mode == "unsigned":
        assert header["alg"] == "none"
        assert token.endswith(".") and token.count(".") == 2
        return
    if mode == "hs256":
        assert header["alg"] == "HS256"
        signing_input, _, signature = token.rpartition(".")
        expected = hmac.new(_provider_public_pem(harness), signing_input.encode(), hashlib.sha256).digest()
        assert base64.urlsafe_b64encode(expected).rstrip(b"=").decode() == signature
        return
    if mode == "foreign_key":
        assert header == {"alg": "RS256", "kid": provider_kid}
        with pytest.raises(jwt.InvalidSignatureError):
            verify(token, harness, client_id)
        return
    # The remaining forgeries carry a valid provider signature: only the claims betray them.
    key = jwt.PyJWK(harness.signing_public_jwks["keys"][0]).key
    signed = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    assert signed == claims
    assert header["kid"] == provider_kid
    if mode == "wrong_nonce":
        assert claims["nonce"] and claims["nonce"] != flow.nonce
        assert claims["aud"] == client_id and claims["iss"] == harness.issuer
    elif mode == "wrong_issuer":
        assert claims["iss"] == "https://evil.example"
        assert claims["nonce"] == flow.nonce
    elif mode == "wrong_audience":
        assert claims["aud"] == "someone-else"
    elif mode == "expired":
        now = time.time()
        assert claims["exp"] <= now - 3600 + 5
        assert claims["iat"] < claims["exp"]
        with pytest.raises(jwt.ExpiredSignatureError):
            verify(token, harness, client_id)
    elif mode == "acr_low":
        assert chosen_acr != harness.acr_values[0]
        assert claims["acr"] == harness.acr_values[0]
    else:  # pragma: no cover
        raise AssertionError(mode)


TAMPER_MODES = [
    "wrong_nonce",
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "unsigned",
    "foreign_key",
    "hs256",
    "acr_low",
]


@pytest.mark.parametrize("mode", TAMPER_MODES)
def test_tampering_plain_id_token(oidc_provider, fas_client, mode):
    flow = fas_flow(oidc_provider, fas_client, acr=FAS_500)
    code = flow.authorize("jan")["code"]
    oidc_provider.tamper(fas_client["client_id"], mode)
    response = token_request(oidc_provider, fas_client, flow, code)
    assert response.status_code == 200, response.text
    _check_forgery(mode, response.json()["id_token"], oidc_provider, flow, fas_client["client_id"], "jan", FAS_500)

    # One shot: the next token response is genuine again.
    flow = fas_flow(oidc_provider, fas_client)
    code = flow.authorize("jan")["code"]
    claims = verify(
        token_request(oidc_provider, fas_client, flow, code).json()["id_token"], oidc_provider, fas_client["client_id"]
    )
    assert claims["nonce"] == flow.nonce


@pytest.mark.parametrize("mode", TAMPER_MODES)
def test_tampering_encrypted_id_token_is_re_encrypted_to_the_client(oidc_provider, itsme_client, client_keys, mode):
    private, _public = client_keys
    flow = itsme_flow(oidc_provider, itsme_client)
    code = flow.authorize("fatima", acr=ITSME_ADVANCED)["code"]
    oidc_provider.tamper(itsme_client["client_id"], mode)
    response = token_request(oidc_provider, itsme_client, flow, code, private_jwks=private)
    assert response.status_code == 200, response.text
    forged = response.json()["id_token"]
    expected_header = {"alg": "RSA-OAEP", "enc": "A128CBC-HS256", "cty": "JWT"}
    assert jwe_protected_header(forged).items() >= expected_header.items()
    assert jwe_protected_header(forged)["aud"] == itsme_client["client_id"]  # same JWE header as the real one
    token = decrypt(forged, private)
    _check_forgery(mode, token, oidc_provider, flow, itsme_client["client_id"], "fatima", ITSME_ADVANCED)
    if mode not in {"unsigned", "hs256", "foreign_key"}:
        assert unverified(token)[1][NATIONAL_NUMBER] == "92073104635"  # the rest of the token is the real one


def test_tampering_targets_one_client_and_reset_clears_it(oidc_provider, fas_client):
    other = oidc_provider.register_client(
        redirect_uris=[FAS_REDIRECT], token_endpoint_auth_method="client_secret_basic"
    )
    oidc_provider.tamper(other["client_id"], "wrong_issuer")
    oidc_provider.tamper(fas_client["client_id"], "unsigned")
    oidc_provider.reset()

    flow = fas_flow(oidc_provider, fas_client)
    code = flow.authorize("jan")["code"]
    claims = verify(
        token_request(oidc_provider, fas_client, flow, code).json()["id_token"], oidc_provider, fas_client["client_id"]
    )
    assert claims["nonce"] == flow.nonce

    oidc_provider.tamper(other["client_id"], "wrong_audience")
    flow = fas_flow(oidc_provider, fas_client)
    code = flow.authorize("jan")["code"]
    token = token_request(oidc_provider, fas_client, flow, code).json()["id_token"]
    assert verify(token, oidc_provider, fas_client["client_id"])["aud"] == fas_client["client_id"]


def test_unknown_tamper_mode_is_refused(oidc_provider, fas_client):
    with pytest.raises(ValueError):
        oidc_provider.tamper(fas_client["client_id"], "rot13")
    response = requests.post(
        f"{oidc_provider.issuer}/__test__/tamper", json={"client_id": "x", "mode": "rot13"}, timeout=TIMEOUT
    )
    assert response.status_code == 400
    # A malformed request does not bring the provider down.
    broken = requests.post(
        f"{oidc_provider.issuer}/__test__/tamper",
        data="{not json",
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )
    assert broken.status_code == 400
    assert requests.get(f"{oidc_provider.issuer}/jwks", timeout=TIMEOUT).status_code == 200
