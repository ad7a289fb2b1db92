"""Signing, encrypting and client-assertion checks: the cryptography of the demo provider.

Why separate from the views: these are the parts a relying party's bugs collide with (wrong kid,
wrong aud, JWE header, at_hash), so they are small, explicit functions that tests can reason about.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time

import jwt
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from joserfc import jwe
from joserfc.jwk import RSAKey

from . import conf


class ClientAssertionError(Exception):
    """The client assertion cannot authenticate the client (always answered with ``invalid_client``)."""


class ClientKeyError(Exception):
    """The client has no key we may encrypt to with the configured algorithm."""


def sign(claims: dict) -> str:
    """A JWS (RS256) with our key's ``kid`` so relying parties pick the right key from our JWKS."""
    key = conf.signing_key()
    private = conf.pyjwt_key(json.dumps(key, sort_keys=True))
    return jwt.encode(claims, private, algorithm=key.get("alg", "RS256"), headers={"kid": key["kid"], "typ": "JWT"})


def encrypt(client: conf.Client, payload: str, alg: str, enc: str, *, nested: bool) -> str:
    """A compact JWE to the client's ``enc`` key. ``nested`` marks a signed JWT inside (``cty: JWT``,
    OIDC Core §16.14), so the relying party knows to verify a signature after decrypting."""
    if alg not in conf.ENCRYPTION_ALGORITHMS or enc not in conf.ENCRYPTION_ENCODINGS:
        raise ClientKeyError(f"Unsupported encryption {alg}/{enc} in the client configuration.")
    candidates = [key for key in client.keys_for("enc") if key.get("kty") == "RSA" and key.get("alg") in (None, alg)]
    if not candidates:
        raise ClientKeyError(f"The client has no RSA key with use=enc for {alg}.")
    public = RSAKey.import_key({k: v for k, v in candidates[0].items() if k not in ("d", "p", "q", "dp", "dq", "qi")})
    header = {"alg": alg, "enc": enc}
    if public.kid:
        header["kid"] = public.kid
    if nested:
        header["cty"] = "JWT"
    return jwe.encrypt_compact(header, payload, public, algorithms=[alg, enc])


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6: the left half of SHA-256 (the hash of RS256) of the access token, base64url."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")


def pairwise_subject(person_id: str, client_id: str) -> str:
    """Each client sees a different, stable ``sub`` for the same person, as itsme does (pairwise)."""
    secret = conf.idp_settings().get("PAIRWISE_SECRET") or None
    return salted_hmac(
        "demo_idp.pairwise", f"{client_id}\x1f{person_id}", secret=secret, algorithm="sha256"
    ).hexdigest()


def pkce_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636 §4.6, S256 only: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge."""
    import hmac

    if not verifier or not 43 <= len(verifier) <= 128:
        return False
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, challenge)


def verify_client_assertion(client: conf.Client, assertion: str, audiences: list[str]) -> dict:
    """RFC 7523 §3 as itsme applies it: signed by one of the client's ``sig`` keys, ``iss`` and ``sub``
    the client id, ``aud`` our token endpoint (or issuer), not expired, at most five minutes long,
    and its ``jti`` never seen before (a replayed assertion is refused)."""
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError as error:
        raise ClientAssertionError("The client assertion is not a JWT.") from error
    algorithm = header.get("alg")
    if algorithm not in conf.CLIENT_ASSERTION_ALGORITHMS:
        raise ClientAssertionError(f"Client assertion algorithm {algorithm!r} is not accepted.")
    try:
        keys = client.keys_for("sig")
    except (OSError, ValueError) as error:  # requests' errors are OSErrors
        raise ClientAssertionError("The client's jwks_uri could not be read.") from error
    kid = header.get("kid")
    if kid:
        keys = [key for key in keys if key.get("kid") == kid]
    claims = None
    for key in keys:
        if key.get("alg") not in (None, algorithm):
            continue
        try:
            public = jwt.PyJWK(key, algorithm=algorithm).key
            claims = jwt.decode(
                assertion,
                public,
                algorithms=[algorithm],
                audience=audiences,
                issuer=client.client_id,
                leeway=conf.CLOCK_LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as error:
            raise ClientAssertionError(f"Invalid client assertion: {error}.") from error
    if claims is None:
        raise ClientAssertionError("The client assertion is not signed by a key of this client.")
    if claims["sub"] != client.client_id:
        raise ClientAssertionError("The client assertion's sub must be the client id.")
    now = int(time.time())
    start = claims.get("iat") if isinstance(claims.get("iat"), int | float) else now
    if claims["exp"] - min(start, now) > conf.CLIENT_ASSERTION_MAX_LIFETIME + conf.CLOCK_LEEWAY:
        raise ClientAssertionError("The client assertion lives longer than five minutes.")
    remaining = max(int(claims["exp"] - now) + conf.CLOCK_LEEWAY, 1)
    seen_key = "demo_idp:jti:" + hashlib.sha256(f"{client.client_id}\x1f{claims['jti']}".encode()).hexdigest()
    if not cache.add(seen_key, True, timeout=remaining + 60):
        raise ClientAssertionError("The client assertion was used before (jti replay).")
    return claims
