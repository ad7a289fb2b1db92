"""The demo identity provider's configuration (``DEMO_IDP``) and the demo relying party's keys.

Why one module builds both: the provider must hold the relying party's *public* keys (itsme receives
them at onboarding) and the relying party its *private* keys, and both must come from the same key
file, created on the first ``make demo`` and kept in ``var/demo_idp/`` (never in the repository).

Use from development settings::

    from .demo_idp import demo_client_private_jwks, demo_idp_settings

    DEMO_IDP = demo_idp_settings(BASE_DIR, "http://127.0.0.1:8000")
    SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT = DEMO_IDP["ISSUER"]
    SOCIAL_AUTH_BALIE_DEMO_PRIVATE_JWKS = demo_client_private_jwks(BASE_DIR)
"""

from __future__ import annotations

from pathlib import Path

from example_site.demo_idp.keys import client_private_jwks, public_jwks

DEMO_CLIENT_ID = "digitale-balie-demo"
DEMO_SERVICE_CODE = "DEMO"


def key_dir(base_dir) -> Path:
    return Path(base_dir) / "var" / "demo_idp"


def demo_client_private_jwks(base_dir) -> dict:
    """The demo relying party's PRIVATE JWK set (RS256 ``sig`` key, RSA-OAEP ``enc`` key), created once."""
    return client_private_jwks(key_dir(base_dir) / "client-keys.json")


def demo_idp_settings(base_dir, base_url: str) -> dict:
    """``DEMO_IDP`` for a site served at ``base_url`` (scheme, host and port, no trailing slash)."""
    return {
        "ISSUER": base_url.rstrip("/") + "/demo-idp",
        "SIGNING_KEY_FILE": str(key_dir(base_dir) / "signing-key.json"),
        "CLIENTS": {
            DEMO_CLIENT_ID: {
                "name": "Stad Demostad – digitale balie",
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": public_jwks(demo_client_private_jwks(base_dir)),
                "redirect_uri_paths": ["/digitale-balie/identity/complete/balie-demo/"],
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
