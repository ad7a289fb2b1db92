"""Reading ``settings.DEMO_IDP``: the issuer, the provider's key and the registered clients.

Why a module of its own: every endpoint needs the same answers (which URL am I, which key do I sign
with, is this a client I know, which of its keys may I use) and must give them the same way, and
``override_settings`` in tests must take effect immediately, so nothing here is cached across
settings changes except parsed keys, which are keyed by their content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import Http404

from .keys import provider_signing_jwks, provider_signing_jwks_from_text, public_jwks

ACR_BASIC = "http://itsme.services/v2/claim/acr_basic"
ACR_ADVANCED = "http://itsme.services/v2/claim/acr_advanced"
ACR_VALUES = (ACR_BASIC, ACR_ADVANCED)

SIGNING_ALGORITHMS = ("RS256",)
CLIENT_ASSERTION_ALGORITHMS = ("RS256", "PS256", "ES256")
ENCRYPTION_ALGORITHMS = ("RSA-OAEP", "RSA-OAEP-256")
ENCRYPTION_ENCODINGS = ("A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM")
AUTH_METHODS = ("private_key_jwt", "client_secret_basic", "client_secret_post")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "testserver"})

#: Lifetimes, in seconds.
CODE_TTL = 60
ACCESS_TOKEN_TTL = 300
ID_TOKEN_TTL = 600
CLIENT_ASSERTION_MAX_LIFETIME = 300
CLOCK_LEEWAY = 10
REMOTE_JWKS_TTL = 60
REMOTE_JWKS_TIMEOUT = 5

#: Endpoint paths below the issuer; they match urls.py.
ENDPOINTS = {
    "authorization_endpoint": "/authorize",
    "token_endpoint": "/token",
    "userinfo_endpoint": "/userinfo",
    "jwks_uri": "/jwks",
}


def idp_settings() -> dict[str, Any]:
    """``settings.DEMO_IDP``; without it the provider does not exist (404), e.g. in production."""
    config = getattr(settings, "DEMO_IDP", None)
    if not config:
        raise Http404("The demo identity provider is not configured.")
    return config


def issuer(request=None) -> str:
    """The configured ``ISSUER``; only when it is empty, the URL this app is served at."""
    configured = (idp_settings().get("ISSUER") or "").rstrip("/")
    if configured or request is None:
        return configured
    from django.urls import reverse

    return request.build_absolute_uri(reverse("demo_idp:discovery")).removesuffix("/.well-known/openid-configuration")


def endpoint(name: str, request=None) -> str:
    return issuer(request) + ENDPOINTS[name]


# --- the provider's own key ---------------------------------------------------------------------


def signing_key_file() -> Path:
    configured = idp_settings().get("SIGNING_KEY_FILE")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "demo_idp" / "signing-key.json"


def signing_key() -> dict:
    """The private signing JWK: from ``SIGNING_JWKS`` (JSON text, the same on every app server) when set,
    else from the key file (created on first use, then read)."""
    text = idp_settings().get("SIGNING_JWKS")
    jwks = provider_signing_jwks_from_text(text) if text else provider_signing_jwks(signing_key_file())
    return next(key for key in jwks["keys"] if key.get("use") == "sig" and "d" in key)


def published_jwks() -> dict:
    return public_jwks({"keys": [signing_key()]})


@lru_cache(maxsize=8)
def pyjwt_key(jwk_json: str):
    """A parsed key for PyJWT; parsing an RSA private key costs milliseconds, so it is done once."""
    import jwt

    return jwt.PyJWK(json.loads(jwk_json)).key


# --- clients ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    client_id: str
    config: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.config.get("name") or self.client_id)

    @property
    def auth_method(self) -> str:
        return self.config.get("token_endpoint_auth_method") or "client_secret_basic"

    @property
    def scopes(self) -> list[str]:
        return list(self.config.get("scopes") or ["openid"])

    @property
    def service_scopes(self) -> list[str]:
        return [scope for scope in self.scopes if scope.startswith("service:")]

    def redirect_uri_allowed(self, uri: str) -> bool:
        """Exact match against ``redirect_uris``; or, with ``allow_local_hosts``, any port on a local
        host with a path from ``redirect_uri_paths`` (the demo runs on whatever port it was given)."""
        if not uri or uri in (self.config.get("redirect_uris") or []):
            return bool(uri)
        if not self.config.get("allow_local_hosts"):
            return False
        try:
            parts = urlsplit(uri)
            _port = parts.port  # raises ValueError on a malformed port
        except ValueError:
            return False
        return (
            parts.scheme in ("http", "https")
            and "@" not in parts.netloc
            and parts.hostname in LOCAL_HOSTS
            and not parts.query
            and not parts.fragment
            and parts.path in (self.config.get("redirect_uri_paths") or [])
        )

    def jwks(self) -> dict:
        """The client's public keys: inline ``jwks`` (only their public members, should the configuration hold
        the client's private set) or fetched from ``jwks_uri`` (cached briefly)."""
        inline = self.config.get("jwks")
        if inline:
            return public_jwks(json.loads(inline) if isinstance(inline, str) else inline)
        uri = self.config.get("jwks_uri")
        if not uri:
            return {"keys": []}
        cache_key = f"demo_idp:client-jwks:{uri}"
        jwks = cache.get(cache_key)
        if jwks is None:
            response = requests.get(uri, timeout=REMOTE_JWKS_TIMEOUT, headers={"Accept": "application/json"})
            response.raise_for_status()
            jwks = response.json()
            if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
                raise ValueError("jwks_uri did not return a JWK set")
            cache.set(cache_key, jwks, REMOTE_JWKS_TTL)
        return jwks

    def keys_for(self, use: str) -> list[dict]:
        """Keys marked with ``use`` (a key without ``use`` serves both, as RFC 7517 allows)."""
        return [key for key in self.jwks().get("keys", []) if isinstance(key, dict) and key.get("use", use) == use]


def get_client(client_id: str | None) -> Client | None:
    if not client_id:
        return None
    config = (idp_settings().get("CLIENTS") or {}).get(client_id)
    return Client(client_id, config) if isinstance(config, dict) else None


def all_service_scopes() -> list[str]:
    scopes: list[str] = []
    for client_id in idp_settings().get("CLIENTS") or {}:
        client = get_client(client_id)
        scopes += [scope for scope in client.service_scopes if scope not in scopes]
    return scopes
