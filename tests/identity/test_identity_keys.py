"""Our key pair as the operator makes it (``balie_generate_jwks``) and as the provider reads it
(``/digitale-balie/identity/jwks.json``): the encryption key says the one algorithm it is for."""

import base64
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from joserfc import jwe
from joserfc.jwk import import_key
from social_django.utils import load_strategy

from digitale_balie_plugin.integrations.identity.itsme import ItsmeBackend

pytestmark = pytest.mark.django_db


def generate(*options) -> dict:
    out = io.StringIO()
    call_command("balie_generate_jwks", "--bits", "2048", *options, stdout=out)
    return {key["use"]: key for key in json.loads(out.getvalue())["keys"]}


def test_the_command_makes_an_rsa_oaep_256_encryption_key_by_default():
    keys = generate()
    assert (keys["sig"]["alg"], keys["enc"]["alg"]) == ("RS256", "RSA-OAEP-256")
    assert keys["enc"]["kty"] == "RSA" and "d" in keys["enc"]  # private: for the secret store
    assert keys["sig"]["kid"] != keys["enc"]["kid"]


def test_the_operator_may_choose_rsa_oaep():
    assert generate("--encryption-alg", "RSA-OAEP")["enc"]["alg"] == "RSA-OAEP"


def test_an_algorithm_we_would_refuse_is_not_offered():
    with pytest.raises(CommandError):
        generate("--encryption-alg", "RSA1_5")


@pytest.mark.parametrize(
    ("options", "setting", "published"),
    [
        ((), None, "RSA-OAEP-256"),
        (("--encryption-alg", "RSA-OAEP"), None, "RSA-OAEP"),
        (("--encryption-alg", "RSA-OAEP"), "RSA-OAEP-256", "RSA-OAEP-256"),
    ],
)
def test_the_jwks_endpoint_publishes_the_encryption_algorithm(client, options, setting, published):
    private = generate(*options)
    settings = {
        "SOCIAL_AUTH_BALIE_ITSME_KEY": "partner",
        "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS": {"keys": list(private.values())},
        "SOCIAL_AUTH_BALIE_ITSME_ENCRYPTION_ALG": setting,
    }
    with override_settings(**settings):
        response = client.get("/digitale-balie/identity/jwks.json")
    keys = {key["kid"]: key for key in response.json()["keys"]}
    assert keys[private["enc"]["kid"]]["alg"] == published
    assert keys[private["sig"]["kid"]]["alg"] == "RS256"
    assert not any("d" in key for key in keys.values())


def test_a_key_set_with_two_generations_rotates_without_a_gap(client):
    """docs/operator.md, "Rotating the itsme keys": both generations published, the first signing key signs,
    an answer encrypted to either encryption key opens — so the switch has no moment where a login fails."""
    old, new = generate(), generate()
    for first, second in ((old, new), (new, old)):  # step 1 (old keys first), then step 3 (new keys first)
        jwks = {"keys": [first["sig"], first["enc"], second["sig"], second["enc"]]}
        with override_settings(SOCIAL_AUTH_BALIE_ITSME_KEY="partner", SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS=jwks):
            published = {key["kid"] for key in client.get("/digitale-balie/identity/jwks.json").json()["keys"]}
            backend = ItsmeBackend(load_strategy())
            backend.access_token_url = lambda: "https://idp.example/token"  # no discovery: the keys are the point
            assertion = backend.client_assertion()
            opened = []
            for generation in (old, new):
                public = {name: value for name, value in generation["enc"].items() if name not in "d p q dp dq qi"}
                protected = {"alg": generation["enc"]["alg"], "enc": "A256GCM", "kid": generation["enc"]["kid"]}
                token = jwe.encrypt_compact(
                    protected, b"answer", import_key(public), algorithms=[protected["alg"], "A256GCM"]
                )
                opened.append(backend._decrypt(token, "ID token"))
        assert published == {old["sig"]["kid"], old["enc"]["kid"], new["sig"]["kid"], new["enc"]["kid"]}
        assert json.loads(_segment(assertion, 0))["kid"] == first["sig"]["kid"]
        assert opened == ["answer", "answer"]


def _segment(token: str, index: int) -> str:
    part = token.split(".")[index]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
