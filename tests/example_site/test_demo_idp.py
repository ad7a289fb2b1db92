"""The demo OpenID Connect provider (example_site.demo_idp) behaves like a strict, real one.

Why these tests: ``make demo`` runs the relying party's real code against this provider, so the
provider must refuse what itsme refuses (no PKCE, plain PKCE, a replayed code, a bad or replayed
client assertion) and produce exactly what itsme produces (nested signed-then-encrypted ID token
and UserInfo, the itsme acr values and national number claim).
"""

import base64
import hashlib
import json
import os
import re
import secrets
import stat
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from django.core import checks
from django.test import Client, override_settings
from joserfc import jwe
from joserfc.jwk import KeySet, RSAKey

from example_site.demo_idp.keys import public_jwks
from example_site.demo_idp.persons import NATIONAL_NUMBER_CLAIM, PERSONS
from example_site.settings.demo_idp import demo_client_private_jwks, demo_idp_settings

ISSUER = "http://testserver/demo-idp"
TOKEN_URL = ISSUER + "/token"
CLIENT_ID = "digitale-balie-demo"
REDIRECT_URI = "http://testserver/digitale-balie/identity/complete/balie-demo/"
ACR_BASIC = "http://itsme.services/v2/claim/acr_basic"
ACR_ADVANCED = "http://itsme.services/v2/claim/acr_advanced"
JWE_ALGORITHMS = ["RSA-OAEP", "RSA-OAEP-256", "A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM"]


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    """One key directory for the module: RSA key generation is the slow part of these tests."""
    return tmp_path_factory.mktemp("demo_idp_keys")


@pytest.fixture
def idp(key_dir):
    config = demo_idp_settings(key_dir, "http://testserver")
    with override_settings(DEMO_IDP=config):
        yield config


@pytest.fixture
def client_keys(key_dir):
    return demo_client_private_jwks(key_dir)


# --- helpers ------------------------------------------------------------------------------------


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(challenge, **overrides):
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile eid service:DEMO",
        "state": "state-123",
        "nonce": "nonce-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "acr_values": ACR_ADVANCED,
        "claims": json.dumps(
            {
                "userinfo": {"given_name": None, "family_name": None, "birthdate": None, NATIONAL_NUMBER_CLAIM: None},
                "id_token": {"auth_time": {"essential": True}},
            }
        ),
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


def query_of(response):
    assert response.status_code == 302, response.content[:500]
    return {name: values[0] for name, values in parse_qs(urlsplit(response["Location"]).query).items()}


def signed_request(response):
    match = re.search(r'name="request" value="([^"]+)"', response.content.decode())
    assert match, "no signed request on the page"
    return match.group(1)


def choose(http, params, action="confirm", person="jan-peeters", level="advanced"):
    page = http.get("/demo-idp/authorize", params)
    assert page.status_code == 200, page.content[:500]
    return http.post(
        "/demo-idp/authorize", {"request": signed_request(page), "action": action, "person": person, "level": level}
    )


def get_code(http, challenge, **overrides):
    query = query_of(choose(http, authorize_params(challenge, **overrides)))
    assert query["state"] == "state-123" and query["iss"] == ISSUER
    return query["code"]


def assertion(
    client_keys, *, aud=TOKEN_URL, lifetime=60, issued=None, jti=None, key=None, iss=CLIENT_ID, sub=CLIENT_ID
):
    sig = key or next(k for k in client_keys["keys"] if k["use"] == "sig")
    now = int(time.time()) if issued is None else issued
    claims = {
        "iss": iss,
        "sub": sub,
        "aud": aud,
        "iat": now,
        "exp": now + lifetime,
        "jti": jti or secrets.token_hex(16),
    }
    return jwt.encode(claims, jwt.PyJWK(sig).key, algorithm="RS256", headers={"kid": sig["kid"]})


def exchange(http, code, verifier, client_keys=None, client_assertion=None, **overrides):
    """POST to the token endpoint; ``client_keys`` builds a fresh assertion unless one is given."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion or (assertion(client_keys) if client_keys else None),
    }
    data.update(overrides)
    return http.post("/demo-idp/token", {k: v for k, v in data.items() if v is not None})


def decrypt(token, client_keys):
    assert token.count(".") == 4, "expected a compact JWE"
    result = jwe.decrypt_compact(token, KeySet.import_key_set(client_keys), algorithms=JWE_ALGORITHMS)
    return result.protected, result.plaintext.decode()


def verify(http, token, audience=CLIENT_ID):
    keys = jwt.PyJWKSet.from_dict(http.get("/demo-idp/jwks").json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=ISSUER)


# --- discovery and keys -------------------------------------------------------------------------


def test_discovery_document_describes_an_itsme_like_provider(idp, client):
    document = client.get("/demo-idp/.well-known/openid-configuration").json()
    assert document["issuer"] == ISSUER
    assert document["authorization_endpoint"] == ISSUER + "/authorize"
    assert document["token_endpoint"] == TOKEN_URL
    assert document["userinfo_endpoint"] == ISSUER + "/userinfo"
    assert document["jwks_uri"] == ISSUER + "/jwks"
    assert document["response_types_supported"] == ["code"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "RSA-OAEP" in document["id_token_encryption_alg_values_supported"]
    assert "A128CBC-HS256" in document["userinfo_encryption_enc_values_supported"]
    assert document["token_endpoint_auth_methods_supported"] == [
        "private_key_jwt",
        "client_secret_basic",
        "client_secret_post",
    ]
    assert document["token_endpoint_auth_signing_alg_values_supported"] == ["RS256", "PS256", "ES256"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert {"openid", "profile", "eid", "service:DEMO"} <= set(document["scopes_supported"])
    assert NATIONAL_NUMBER_CLAIM in document["claims_supported"]
    assert document["acr_values_supported"] == [ACR_BASIC, ACR_ADVANCED]
    assert document["claims_parameter_supported"] is True
    assert document["ui_locales_supported"] == ["nl", "fr", "en"]
    # Every endpoint it names really exists (and the token endpoint takes no GET).
    for name in ("authorization_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert client.get(urlsplit(document[name]).path).status_code != 404
    assert client.get("/demo-idp/token").status_code == 405


def test_jwks_publishes_only_the_public_key_which_persists_in_its_file(tmp_path, client):
    config = demo_idp_settings(tmp_path, "http://testserver")
    key_file = tmp_path / "var" / "demo_idp" / "signing-key.json"
    with override_settings(DEMO_IDP=config):
        published = client.get("/demo-idp/jwks").json()
        again = client.get("/demo-idp/jwks").json()
    (key,) = published["keys"]
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256" and key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    assert len(base64.urlsafe_b64decode(key["n"] + "==")) * 8 >= 2048
    assert again == published  # read back from the file, not generated again
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert json.loads(key_file.read_text())["keys"][0]["kid"] == key["kid"]


@pytest.mark.django_db  # a 404 consults Wagtail's redirects
def test_without_configuration_the_provider_does_not_exist(client):
    with override_settings(DEMO_IDP=None):
        assert client.get("/demo-idp/.well-known/openid-configuration").status_code == 404
        assert client.get("/demo-idp/jwks").status_code == 404


def test_settings_module_gives_the_client_its_private_keys_and_the_provider_the_public_ones(tmp_path):
    private = demo_client_private_jwks(tmp_path)
    assert {(key["use"], key["alg"]) for key in private["keys"]} == {("sig", "RS256"), ("enc", "RSA-OAEP")}
    assert all("d" in key and key["kid"] for key in private["keys"])
    config = demo_idp_settings(tmp_path, "http://127.0.0.1:8000/")
    assert config["ISSUER"] == "http://127.0.0.1:8000/demo-idp"
    client = config["CLIENTS"][CLIENT_ID]
    assert client["jwks"] == public_jwks(private)
    assert not any("d" in key for key in client["jwks"]["keys"])
    assert demo_client_private_jwks(tmp_path) == private  # stable across restarts


def test_system_check_warns_when_configured_without_debug(idp):
    with override_settings(DEBUG=False):
        assert "demo_idp.W001" in {message.id for message in checks.run_checks()}
    with override_settings(DEBUG=True):
        assert "demo_idp.W001" not in {message.id for message in checks.run_checks()}


# --- authorize ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "someone-else"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example/digitale-balie/identity/complete/balie-demo/"},
        {"redirect_uri": "http://localhost:8000@evil.example/digitale-balie/identity/complete/balie-demo/"},
        {"redirect_uri": "http://localhost:8000/digitale-balie/identity/complete/other/"},
        {"redirect_uri": REDIRECT_URI + "?next=https://evil.example"},
        {"redirect_uri": "javascript://localhost/digitale-balie/identity/complete/balie-demo/"},
        {"redirect_uri": None},
    ],
)
def test_authorize_shows_an_error_page_while_the_redirect_uri_is_not_trusted(idp, client, overrides):
    response = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1], **overrides))
    assert response.status_code == 400
    assert "Location" not in response


def test_authorize_accepts_the_demo_path_on_any_local_port(idp, client):
    uri = "http://localhost:8123/digitale-balie/identity/complete/balie-demo/"
    response = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1], redirect_uri=uri))
    assert response.status_code == 200
    assert "http://localhost:8123" in response["Content-Security-Policy"]  # the form may redirect there


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),  # RFC 7636: absent means plain
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "too-short"}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile eid service:DEMO"}, "invalid_scope"),
        ({"scope": "openid profile email service:DEMO"}, "invalid_scope"),
        ({"scope": "openid profile eid"}, "invalid_scope"),  # itsme wants the service code
        ({"claims": "{not json"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
        ({"request": "eyJhbGciOi..."}, "request_not_supported"),
    ],
)
def test_authorize_redirects_errors_back_to_the_client_with_state(idp, client, overrides, error):
    query = query_of(client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1], **overrides)))
    assert query["error"] == error and query["error_description"]
    assert query["state"] == "state-123"
    assert "code" not in query


def test_authorize_refuses_repeated_parameters(idp, client):
    response = client.get("/demo-idp/authorize?" + "&".join(f"{k}={v}" for k, v in [("state", "a"), ("state", "b")]))
    assert response.status_code == 400  # no client_id yet: nothing to redirect to
    params = authorize_params(pkce_pair()[1])
    url = "/demo-idp/authorize?" + "&".join(f"{k}={v}" for k, v in params.items() if k not in ("claims", "acr_values"))
    query = query_of(client.get(url + "&nonce=second"))
    assert query["error"] == "invalid_request"


def test_authorize_page_is_accessible_and_needs_no_inline_script_or_style(idp, client):
    response = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert re.search(r'<html lang="(nl|fr|en)"', html)
    assert "Stad Demostad – digitale balie" in html
    assert html.count("<fieldset") == 2 and html.count("<legend") == 2
    for person in PERSONS:
        assert person.name in html and person.national_number_display in html
        assert f'for="person-{person.id}"' in html and f'id="person-{person.id}"' in html
    assert re.search(r'id="level-advanced"[^>]*checked', html)  # acr_values asked for advanced
    assert not re.search(r'id="level-basic"[^>]*checked', html)
    assert 'name="csrfmiddlewaretoken"' in html
    # A strict CSP applies: no inline script, style or event handler anywhere.
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp


def test_authorize_page_speaks_the_requested_ui_locale(idp, client):
    response = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1], ui_locales="fr-BE en"))
    html = response.content.decode()
    assert '<html lang="fr"' in html and "Confirmer" in html and "Quelle personne de test" in html
    basic = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1], acr_values=ACR_BASIC))
    assert re.search(r'id="level-basic"[^>]*checked', basic.content.decode())


def test_confirm_gives_a_code_and_cancel_gives_access_denied_with_state(idp, client):
    _verifier, challenge = pkce_pair()
    query = query_of(choose(client, authorize_params(challenge)))
    assert set(query) == {"code", "state", "iss"}
    assert len(base64.urlsafe_b64decode(query["code"] + "==")) >= 16  # at least 128 bits
    assert query["state"] == "state-123"

    cancelled = query_of(choose(client, authorize_params(challenge), action="cancel"))
    assert cancelled["error"] == "access_denied" and cancelled["error_description"]
    assert cancelled["state"] == "state-123" and "code" not in cancelled


def test_confirm_without_a_choice_shows_the_page_again_with_errors(idp, client):
    response = choose(client, authorize_params(pkce_pair()[1]), person="nobody")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and 'aria-describedby="person-error"' in html
    assert "<title>Error:" in html or "<title>Fout:" in html or "<title>Erreur" in html


def test_the_signed_request_cannot_be_edited_and_the_post_needs_csrf(idp, client):
    page = client.get("/demo-idp/authorize", authorize_params(pkce_pair()[1]))
    blob = signed_request(page)
    forged = blob[:-3] + ("AAA" if not blob.endswith("AAA") else "BBB")
    response = client.post("/demo-idp/authorize", {"request": forged, "action": "confirm", "person": "jan-peeters"})
    assert response.status_code == 400 and "Location" not in response

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/demo-idp/authorize", {"request": blob, "action": "confirm", "person": "jan-peeters"})
    assert response.status_code == 403


# --- token --------------------------------------------------------------------------------------


def test_full_flow_gives_an_encrypted_signed_id_token_and_userinfo(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, verifier, client_keys)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0 and body["access_token"]

    header, inner = decrypt(body["id_token"], client_keys)
    enc_key = next(key for key in client_keys["keys"] if key["use"] == "enc")
    assert header["alg"] == "RSA-OAEP" and header["enc"] == "A128CBC-HS256" and header["cty"] == "JWT"
    assert header["kid"] == enc_key["kid"]
    assert jwt.get_unverified_header(inner)["alg"] == "RS256"
    claims = verify(client, inner)
    assert claims["aud"] == CLIENT_ID and claims["iss"] == ISSUER
    assert claims["nonce"] == "nonce-456" and claims["acr"] == ACR_ADVANCED
    assert claims["exp"] == claims["iat"] + 600 and claims["auth_time"] <= claims["iat"]
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert NATIONAL_NUMBER_CLAIM not in claims  # asked for in "userinfo" only
    assert "jan-peeters" not in claims["sub"]  # pairwise, not the person's id

    userinfo = client.get("/demo-idp/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.status_code == 200 and userinfo["Content-Type"] == "application/jwt"
    header, inner = decrypt(userinfo.content.decode(), client_keys)
    assert header["cty"] == "JWT"
    info = verify(client, inner)
    assert info["sub"] == claims["sub"]
    assert info[NATIONAL_NUMBER_CLAIM] == "85041212369"
    assert info["given_name"] == "Jan" and info["family_name"] == "Peeters" and info["birthdate"] == "1985-04-12"


def test_claims_requested_for_the_id_token_are_put_in_it(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    claims = json.dumps({"id_token": {NATIONAL_NUMBER_CLAIM: {"essential": True}, "given_name": None}})
    code = get_code(client, challenge, claims=claims)
    body = exchange(client, code, verifier, client_keys).json()
    id_claims = verify(client, decrypt(body["id_token"], client_keys)[1])
    assert id_claims[NATIONAL_NUMBER_CLAIM] == "85041212369" and id_claims["given_name"] == "Jan"


def test_userinfo_releases_the_national_number_only_with_eid_or_when_asked(idp, client, client_keys):
    def userinfo_for(**overrides):
        verifier, challenge = pkce_pair()
        code = get_code(client, challenge, **overrides)
        access_token = exchange(client, code, verifier, client_keys).json()["access_token"]
        response = client.post("/demo-idp/userinfo", headers={"Authorization": f"Bearer {access_token}"})
        return verify(client, decrypt(response.content.decode(), client_keys)[1])

    without_eid = userinfo_for(scope="openid profile service:DEMO", claims=None)
    assert NATIONAL_NUMBER_CLAIM not in without_eid and without_eid["family_name"] == "Peeters"
    only_sub = userinfo_for(scope="openid service:DEMO", claims=None)
    assert set(only_sub) == {"sub", "iss", "aud", "iat"}
    asked = userinfo_for(scope="openid service:DEMO", claims=json.dumps({"userinfo": {NATIONAL_NUMBER_CLAIM: None}}))
    assert asked[NATIONAL_NUMBER_CLAIM] == "85041212369"


def test_pairwise_subjects_are_stable_per_person(idp, client, client_keys):
    def subject(person):
        verifier, challenge = pkce_pair()
        query = query_of(choose(client, authorize_params(challenge), person=person, level="basic"))
        body = exchange(client, query["code"], verifier, client_keys).json()
        claims = verify(client, decrypt(body["id_token"], client_keys)[1])
        assert claims["acr"] == ACR_BASIC
        return claims["sub"]

    assert subject("lucas-janssens") == subject("lucas-janssens") != subject("maria-de-smet")


def test_pkce_mismatch_is_refused(idp, client, client_keys):
    _verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, pkce_pair()[0], client_keys)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    missing = exchange(client, get_code(client, challenge), None, client_keys)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"


def test_a_replayed_code_is_refused_and_revokes_its_access_token(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    first = exchange(client, code, verifier, client_keys)
    assert first.status_code == 200
    replay = exchange(client, code, verifier, client_keys)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    userinfo = client.get("/demo-idp/userinfo", headers={"Authorization": f"Bearer {first.json()['access_token']}"})
    assert userinfo.status_code == 401


def test_a_code_lives_sixty_seconds(idp, client, client_keys, frozen_now):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    frozen_now.shift(61)
    response = exchange(client, code, verifier, client_keys)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_the_redirect_uri_must_be_the_one_the_code_was_issued_for(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    other = "http://localhost:8000/digitale-balie/identity/complete/balie-demo/"
    response = exchange(client, code, verifier, client_keys, redirect_uri=other)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_other_grant_types_are_unsupported(idp, client, client_keys):
    response = exchange(client, "x", "y", client_keys, grant_type="client_credentials")
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    "make_assertion",
    [
        pytest.param(lambda keys: assertion(keys, aud="http://testserver/elsewhere"), id="wrong-aud"),
        pytest.param(lambda keys: assertion(keys, issued=int(time.time()) - 600), id="expired"),
        pytest.param(lambda keys: assertion(keys, lifetime=3600), id="lives-an-hour"),
        pytest.param(lambda keys: assertion(keys, sub="someone-else"), id="sub-not-client"),
        pytest.param(
            lambda keys: assertion(
                keys, key=RSAKey.generate_key(2048, parameters={"kid": keys["keys"][0]["kid"]}).as_dict(private=True)
            ),
            id="foreign-key",
        ),
        pytest.param(lambda keys: "not-a-jwt", id="garbage"),
    ],
)
def test_bad_client_assertions_are_refused(idp, client, client_keys, make_assertion):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, verifier, client_assertion=make_assertion(client_keys))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    # The code was not spent by an unauthenticated request.
    assert exchange(client, code, verifier, client_keys).status_code == 200


def test_the_issuer_is_also_an_accepted_audience(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    assert exchange(client, code, verifier, client_assertion=assertion(client_keys, aud=[ISSUER])).status_code == 200


def test_a_client_assertion_is_single_use(idp, client, client_keys):
    once = assertion(client_keys, jti="the-same-jti")
    verifier, challenge = pkce_pair()
    assert exchange(client, get_code(client, challenge), verifier, client_assertion=once).status_code == 200
    again = exchange(client, get_code(client, challenge), verifier, client_assertion=once)
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"


def test_a_private_key_jwt_client_cannot_use_a_secret_instead(idp, client, client_keys):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(
        client,
        code,
        verifier,
        client_assertion=None,
        client_assertion_type=None,
        client_id=CLIENT_ID,
        client_secret="guess",
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in response


def _secret_client(method):
    return {
        "name": "Secret client",
        "token_endpoint_auth_method": method,
        "client_secret": "s3cret:with+chars",
        "redirect_uris": ["https://rp.example/callback"],
        "scopes": ["openid", "profile"],
    }


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_client_secret_methods_and_plain_json_userinfo(idp, client, method):
    config = {**idp, "CLIENTS": {**idp["CLIENTS"], "secret-client": _secret_client(method)}}
    with override_settings(DEMO_IDP=config):
        verifier, challenge = pkce_pair()
        params = authorize_params(
            challenge,
            client_id="secret-client",
            redirect_uri="https://rp.example/callback",
            scope="openid profile",
            claims=None,
        )
        code = query_of(choose(client, params))["code"]
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "https://rp.example/callback",
            "code_verifier": verifier,
        }
        wrong = dict(data, client_id="secret-client", client_secret="wrong")
        assert client.post("/demo-idp/token", wrong).status_code == 401
        if method == "client_secret_basic":
            from urllib.parse import quote_plus

            raw = f"{quote_plus('secret-client')}:{quote_plus('s3cret:with+chars')}"
            headers = {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}
            response = client.post("/demo-idp/token", data, headers=headers)
        else:
            response = client.post(
                "/demo-idp/token", dict(data, client_id="secret-client", client_secret="s3cret:with+chars")
            )
        assert response.status_code == 200, response.content
        id_token = response.json()["id_token"]
        assert id_token.count(".") == 2  # this client did not register encryption
        claims = verify(client, id_token, audience="secret-client")
        info = client.get("/demo-idp/userinfo", headers={"Authorization": f"Bearer {response.json()['access_token']}"})
        assert info["Content-Type"] == "application/json"
        assert info.json() == {
            "sub": claims["sub"],
            "given_name": "Jan",
            "family_name": "Peeters",
            "name": "Jan Peeters",
            "birthdate": "1985-04-12",
        }


@responses.activate
def test_client_keys_can_come_from_a_jwks_uri(idp, client, client_keys):
    uri = "https://rp.example/jwks"
    responses.get(uri, json=public_jwks(client_keys))
    remote = {**idp["CLIENTS"][CLIENT_ID], "jwks": None, "jwks_uri": uri}
    with override_settings(DEMO_IDP={**idp, "CLIENTS": {CLIENT_ID: remote}}):
        verifier, challenge = pkce_pair()
        response = exchange(client, get_code(client, challenge), verifier, client_keys)
        assert response.status_code == 200, response.content
        assert decrypt(response.json()["id_token"], client_keys)[0]["cty"] == "JWT"


# --- userinfo -----------------------------------------------------------------------------------


def test_userinfo_refuses_missing_and_unknown_tokens(idp, client):
    missing = client.get("/demo-idp/userinfo")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    unknown = client.get("/demo-idp/userinfo", headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 401
    assert 'error="invalid_token"' in unknown["WWW-Authenticate"]


def test_access_tokens_expire(idp, client, client_keys, frozen_now):
    verifier, challenge = pkce_pair()
    access_token = exchange(client, get_code(client, challenge), verifier, client_keys).json()["access_token"]
    frozen_now.shift(301)
    response = client.get("/demo-idp/userinfo", headers={"Authorization": f"Bearer {access_token}"})
    assert response.status_code == 401


# --- the test persons ---------------------------------------------------------------------------


def test_every_test_persons_national_number_passes_the_checksum():
    for person in PERSONS:
        number = person.national_number
        assert len(number) == 11 and number.isdigit()
        assert number[:6] == person.birthdate.strftime("%y%m%d")
        body = ("2" if person.birthdate.year >= 2000 else "") + number[:9]
        assert int(number[9:]) == 97 - int(body) % 97, person.name
    assert len({person.id for person in PERSONS}) == len(PERSONS) == 4


def test_without_an_issuer_setting_the_issuer_is_where_the_app_is_served(idp, client):
    with override_settings(DEMO_IDP={**idp, "ISSUER": ""}):
        document = client.get("/demo-idp/.well-known/openid-configuration", HTTP_HOST="localhost:8123").json()
    assert document["issuer"] == "http://localhost:8123/demo-idp"
    assert document["token_endpoint"] == "http://localhost:8123/demo-idp/token"


# --- keys from the environment (several app servers) -------------------------------------------


@pytest.fixture(scope="module")
def keys_as_text():
    """(the provider's, the demo client's) private JWK sets as an operator puts them in the environment."""
    from digitale_balie_plugin.management.commands.balie_generate_jwks import generate_private_jwks

    return json.dumps(generate_private_jwks(2048, "RSA-OAEP")), json.dumps(generate_private_jwks(2048, "RSA-OAEP"))


def test_keys_given_as_text_replace_the_files_so_every_server_shares_them(tmp_path, client, keys_as_text):
    from example_site.demo_idp import conf
    from example_site.demo_idp.apps import check_keys

    signing, client_text = keys_as_text
    config = demo_idp_settings(tmp_path, "http://testserver", signing_jwks=signing, client_private_jwks=client_text)
    client_keys = json.loads(client_text)
    with override_settings(DEMO_IDP=config):
        published = client.get("/demo-idp/jwks").json()
        verifier, challenge = pkce_pair()
        response = exchange(client, get_code(client, challenge), verifier, client_keys)
        assert response.status_code == 200, response.content
        _header, inner = decrypt(response.json()["id_token"], client_keys)
        assert verify(client, inner)["aud"] == CLIENT_ID
        held = conf.get_client(CLIENT_ID).jwks()
        assert check_keys() == []
    signing_key = next(key for key in json.loads(signing)["keys"] if key["use"] == "sig")
    assert published == public_jwks({"keys": [signing_key]})
    assert held == public_jwks(client_keys) and not any("d" in key for key in held["keys"])
    assert not (tmp_path / "var").exists()  # no key file read or written


def test_malformed_keys_in_the_settings_are_named_by_a_check(tmp_path, keys_as_text):
    from example_site.demo_idp.apps import check_keys

    _signing, client_text = keys_as_text
    public_only = json.dumps(public_jwks(json.loads(client_text)))  # no private key to sign with
    for signing, client_jwks in [("{not json", "[]"), (public_only, '{"keys": "none"}')]:
        config = demo_idp_settings(tmp_path, "http://testserver", signing_jwks=signing, client_private_jwks=client_jwks)
        with override_settings(DEMO_IDP=config):
            found = check_keys()
        assert [message.id for message in found] == ["demo_idp.E001", "demo_idp.E001"]
        assert "SIGNING_JWKS" in found[0].msg and CLIENT_ID in found[1].msg


def test_a_staging_site_on_its_own_host_name_is_a_trusted_redirect(tmp_path, keys_as_text):
    """Not only local hosts: the site the provider is configured for (``BALIE_DEMO_IDP_URL``) may receive codes."""
    from example_site.demo_idp import conf

    signing, client_text = keys_as_text
    config = demo_idp_settings(
        tmp_path, "https://balie.staging.example", signing_jwks=signing, client_private_jwks=client_text
    )
    with override_settings(DEMO_IDP=config):
        client = conf.get_client(CLIENT_ID)
        assert client.redirect_uri_allowed("https://balie.staging.example/digitale-balie/identity/complete/balie-demo/")
        assert not client.redirect_uri_allowed("https://evil.example/digitale-balie/identity/complete/balie-demo/")
