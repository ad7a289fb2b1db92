"""Key files for the demo provider and its demo client, created on first use and then kept.

Why files: the relying party caches the provider's JWKS (python-social-auth keeps it for a day) and
the provider holds the client's public keys in its configuration, so keys that changed on every
restart would break the demo after the first ``runserver`` reload. Why import-cheap: the settings
module imports this one, so nothing here touches Django settings or imports a crypto library until
a key actually has to be generated.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

#: Members of a JWK that are public, by key type; everything else (d, p, q, dp, dq, qi, k) is private.
_COMMON_PUBLIC = ("kty", "kid", "use", "alg", "key_ops", "x5u", "x5c", "x5t", "x5t#S256")
_PUBLIC_MEMBERS = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}

#: What each key file must hold: (use, alg) per key.
PROVIDER_KEYS = (("sig", "RS256"),)
CLIENT_KEYS = (("sig", "RS256"), ("enc", "RSA-OAEP"))

RSA_KEY_SIZE = 2048


def provider_signing_jwks(path: str | os.PathLike) -> dict:
    """The provider's PRIVATE JWKS (one RS256 signing key), loaded from ``path`` or created there."""
    return load_or_create_jwks(path, PROVIDER_KEYS)


def client_private_jwks(path: str | os.PathLike) -> dict:
    """The demo relying party's PRIVATE JWKS: one ``sig`` key (RS256) and one ``enc`` key (RSA-OAEP)."""
    return load_or_create_jwks(path, CLIENT_KEYS)


def public_jwks(jwks: dict) -> dict:
    """Only the public members of every key: what may be published or put in the other side's config."""
    keys = []
    for key in jwks.get("keys", []):
        members = _COMMON_PUBLIC + _PUBLIC_MEMBERS.get(key.get("kty", ""), ())
        keys.append({name: key[name] for name in members if name in key})
    return {"keys": keys}


def load_or_create_jwks(path: str | os.PathLike, wanted: tuple[tuple[str, str], ...]) -> dict:
    """Read the key file, or generate the keys and write it (mode 0600) without racing another process.

    ``make demo`` starts the web server and the worker at once and both import the settings, so two
    processes may try to create the file together: each writes a private temporary file and
    hard-links it into place; the loser of the race reads the winner's keys instead of overwriting.
    """
    path = Path(path)
    existing = _read(path, wanted)
    if existing is not None:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    jwks = {"keys": [_generate_rsa(use, alg) for use, alg in wanted]}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(jwks, handle, indent=2)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read(path, wanted) or _refuse(f"{path} vanished while it was being created; start again.")
        except OSError:  # a filesystem without hard links: last writer wins, still a whole file
            os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return jwks


def provider_signing_jwks_from_text(text: str | dict) -> dict:
    """The provider's PRIVATE JWKS given as JSON text (an environment variable) or a dict, checked like the file."""
    jwks = parse_private_jwks(text, PROVIDER_KEYS)
    if jwks is None:
        _refuse('DEMO_IDP["SIGNING_JWKS"] is not a private JWK set with an RS256 signing key.')
    return jwks


def parse_private_jwks(text: str | dict, wanted: tuple[tuple[str, str], ...]) -> dict | None:
    """The JWK set if it holds a private key with a ``kid`` for every (use, alg) in ``wanted``, else ``None``."""
    try:
        jwks = json.loads(text) if isinstance(text, str) else text
        uses = [(key["use"], key["alg"]) for key in jwks["keys"] if "d" in key and key.get("kid")]
    except (ValueError, KeyError, TypeError):
        return None
    return jwks if all(pair in uses for pair in wanted) else None


def _read(path: Path, wanted: tuple[tuple[str, str], ...]) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    jwks = parse_private_jwks(text, wanted)
    if jwks is None:
        _refuse(f"{path} is not a usable private JWK set for the demo identity provider; delete it to recreate it.")
    return jwks


def _refuse(message: str):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(message)


def _generate_rsa(use: str, alg: str) -> dict:
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(RSA_KEY_SIZE, parameters={"use": use, "alg": alg}, private=True, auto_kid=True)
    return key.as_dict(private=True)
