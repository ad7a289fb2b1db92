"""The demo identity provider's configuration (``DEMO_IDP``) and the demo relying party's keys.

Why one module builds both: the provider must hold the relying party's *public* keys (itsme receives
them at onboarding) and the relying party its *private* keys, and both must come from the same key
file, created on the first ``make demo`` and kept in ``var/demo_idp/`` (never in the repository).

Use from development settings::

    from .demo_idp import demo_client_private_jwks, demo_idp_settings

    DEMO_IDP = demo_idp_settings(BASE_DIR, "http://127.0.0.1:8000")
    SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT = DEMO_IDP["ISSUER"]
    SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS = demo_client_private_jwks(BASE_DIR)

Several app servers must share both key sets, so a site that runs the demo provider on more than one
(a staging site, the CI production profile) passes them as JSON text from the environment instead:
``demo_idp_settings(BASE_DIR, url, signing_jwks=..., client_private_jwks=...)``; no file is read or written.
"""

from __future__ import annotations

from pathlib import Path

from example_site.demo_idp.keys import client_private_jwks, public_jwks

DEMO_CLIENT_ID = "digitale-balie-demo"
DEMO_SERVICE_CODE = "DEMO"
REDIRECT_PATH = "/digitale-balie/identity/complete/balie-demo/"


def key_dir(base_dir) -> Path:
    return Path(base_dir) / "var" / "demo_idp"


def demo_client_private_jwks(base_dir) -> dict:
    """The demo relying party's PRIVATE JWK set (RS256 ``sig`` key, RSA-OAEP ``enc`` key), created once."""
    return client_private_jwks(key_dir(base_dir) / "client-keys.json")


def demo_idp_settings(base_dir, base_url: str, *, signing_jwks: str = "", client_private_jwks: str = "") -> dict:
    """``DEMO_IDP`` for a site served at ``base_url`` (scheme, host and port, no trailing slash).

    ``signing_jwks``/``client_private_jwks``: the provider's and the demo client's private JWK sets as JSON
    text; when given, they replace the key files (parsed when used; the provider keeps only the client's
    public members, and system check demo_idp.E001 names a malformed one)."""
    key_file = str(key_dir(base_dir) / "signing-key.json")
    keys = {"SIGNING_JWKS": signing_jwks} if signing_jwks else {"SIGNING_KEY_FILE": key_file}
    return {
        "ISSUER": base_url.rstrip("/") + "/demo-idp",
        **keys,
        "CLIENTS": {
            DEMO_CLIENT_ID: {
                "name": "Stad Demostad – digitale balie",
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": client_private_jwks or public_jwks(demo_client_private_jwks(base_dir)),
                "redirect_uris": [base_url.rstrip("/") + REDIRECT_PATH],  # the site itself, on any host name
                "redirect_uri_paths": [REDIRECT_PATH],
                # The demo may run on any port: any http(s) URL on localhost / 127.0.0.1 / testserver
                # with the path above is accepted.
                "allow_local_hosts": True,
                "id_token_encrypted_response_alg": "RSA-OAEP",
                "id_token_encrypted_response_enc": "A128CBC-HS256",
                "userinfo_signed_response_alg": "RS256",
                "userinfo_encrypted_response_alg": "RSA-OAEP",
                "userinfo_encrypted_response_enc": "A128CBC-HS256",
                "scopes": ["openid", "profile", "eid", f"service:{DEMO_SERVICE_CODE}"],
            }
        },
    }
