"""What the admin's "Integrations status" page says about each identity backend.

Fetches the provider's discovery document and key set, as the backend will at login time, and
compares them with what the backend needs. Never raises: every failure is a readable line.
"""

from __future__ import annotations

import requests
from django.utils.translation import gettext as _
from social_core.exceptions import SocialAuthBaseException
from social_django.utils import load_strategy

from digitale_balie_plugin.integrations.registry import StatusLine

TIMEOUT = 5


def check_backend(backend_class, request=None) -> list[StatusLine]:
    backend = backend_class(load_strategy(request))
    lines = [_client_line(backend)]
    try:
        endpoint = backend.oidc_endpoint()
    except SocialAuthBaseException as exc:
        return [*lines, StatusLine(_("Provider address"), False, _describe(exc))]
    discovery = _fetch(f"{endpoint}/.well-known/openid-configuration")
    if isinstance(discovery, str):
        return [*lines, StatusLine(_("Discovery document"), False, f"{endpoint}: {discovery}")]
    lines.append(StatusLine(_("Discovery document"), True, endpoint))
    issuer_ok = discovery.get("issuer", "").rstrip("/") == endpoint.rstrip("/")
    lines.append(StatusLine(_("Issuer"), issuer_ok, discovery.get("issuer", "")))
    methods = discovery.get("code_challenge_methods_supported") or []
    lines.append(StatusLine(_("PKCE S256"), "S256" in methods if methods else None, ", ".join(methods)))
    auth_method = backend.token_auth_method() or "client_secret_basic"
    supported = discovery.get("token_endpoint_auth_methods_supported") or []
    lines.append(StatusLine(_("Client authentication"), auth_method in supported if supported else None, auth_method))
    encryption = _encryption_line(backend, discovery)
    if encryption is not None:
        lines.append(encryption)
    acr = discovery.get("acr_values_supported") or []
    known = [value for value in backend.acr_levels() if value in acr]
    lines.append(StatusLine(_("Levels (acr)"), bool(known) if acr else None, ", ".join(known or acr)))
    keys = _fetch(discovery.get("jwks_uri", ""))
    if isinstance(keys, str):
        lines.append(StatusLine(_("Signing keys"), False, keys))
    else:
        count = len(keys.get("keys") or [])
        lines.append(StatusLine(_("Signing keys"), count > 0, _("%(count)s key(s)") % {"count": count}))
    return lines


def _client_line(backend) -> StatusLine:
    client_id, _secret = backend.get_key_and_secret()
    if not client_id:
        return StatusLine(_("Client id"), False, _("Not set: SOCIAL_AUTH_%(name)s_KEY") % {"name": _setting(backend)})
    if backend.token_auth_method() == "private_key_jwt":
        keys = backend.public_jwks()["keys"]
        uses = {key.get("use") for key in keys}
        if not keys:
            detail = _("Set SOCIAL_AUTH_%(name)s_PRIVATE_JWKS (a signing and an encryption key).") % {
                "name": _setting(backend)
            }
            return StatusLine(_("Our keys"), False, detail)
        return StatusLine(_("Our keys"), {"sig", "enc"} <= uses or None in uses, client_id)
    return StatusLine(_("Client id"), True, client_id)


def _encryption_line(backend, discovery: dict) -> StatusLine | None:
    """The algorithm our ``enc`` key is published for, against what the provider says it can encrypt with.

    A provider cannot encrypt to a key published for another algorithm than the one in our client's
    registration: the login then fails at the token endpoint. ``None`` when we hold no private keys."""
    if not hasattr(backend, "encryption_keys") or not backend.setting("PRIVATE_JWKS", None):
        return None
    label = _("Encryption (ID token, UserInfo)")
    try:
        ours = sorted({key.get("alg") for key in backend.encryption_keys()})
    except (SocialAuthBaseException, ValueError, TypeError, KeyError) as exc:
        return StatusLine(label, False, _describe(exc))
    offered = discovery.get("id_token_encryption_alg_values_supported") or []
    detail = ", ".join(ours) or _("no encryption key")
    if offered:
        detail = _("%(ours)s (the provider offers %(offered)s)") % {"ours": detail, "offered": ", ".join(offered)}
    return StatusLine(label, (bool(ours) and set(ours) <= set(offered)) if offered else None, detail)


def _setting(backend) -> str:
    return backend.name.upper().replace("-", "_")


def _fetch(url: str):
    """The JSON at ``url``, or a readable reason why not."""
    if not url:
        return _("no address")
    try:
        response = requests.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except requests.RequestException as exc:
        return _describe(exc)
    except ValueError:
        return _("not JSON")
    return data if isinstance(data, dict) else _("not a JSON object")


def _describe(exc) -> str:
    if isinstance(exc, requests.Timeout):
        return _("no answer within %(seconds)s seconds") % {"seconds": TIMEOUT}
    if isinstance(exc, requests.ConnectionError):
        return _("cannot connect")
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return _("HTTP status %(status)s") % {"status": exc.response.status_code}
    if isinstance(exc, SocialAuthBaseException):
        return _("configuration incomplete (%(code)s)") % {"code": getattr(exc, "code", "") or type(exc).__name__}
    return type(exc).__name__
