"""Jitsi tokens: the one function that mints Jitsi JWTs (:func:`mint_token`), its settings and key loading.

Self-hosted prosody takes HS256 (``app_secret``) or RS256 (public key fetched from
``asap_key_server`` as :func:`asap_key_file_name`); 8x8 JaaS takes RS256 with ``kid`` =
``<AppID>/<key id>``; public meet.jit.si takes none. The claims per deployment, and the prosody
modules that make the clerk (and only the clerk) moderator, are explained in ``docs/operator.md``
(Video: Jitsi). Nothing here reads a setting: ``JitsiProvider.token_settings()`` resolves them.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.utils import timezone

from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole, check_not_after, check_room_name

SELF_HOSTED, JAAS, PUBLIC = "self_hosted", "jaas", "public"
DEPLOYMENTS = (SELF_HOSTED, JAAS, PUBLIC)
ALGORITHMS = ("HS256", "RS256")
MIN_SECRET_LENGTH = 32
MIN_RSA_KEY_BITS = 2048
DEFAULT_MAX_TOKEN_HOURS = 12
DEFAULT_NBF_LEEWAY_SECONDS = 10

#: JaaS ``context.features``: all off (8x8 bills them; we neither record nor dial out).
JAAS_FEATURES = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
    "sip-outbound-call": "false",
}


@dataclass(frozen=True)
class TokenSettings:
    """Everything :func:`mint_token` needs besides the room and the participant, resolved from
    the options once (``JitsiProvider.token_settings()``) so minting itself reads no setting.

    ``key`` is the HS256 secret (``str``) or an RSA private key object; ``key_id`` is the header
    ``kid`` exactly as sent (JaaS: ``<AppID>/<key id>``), empty for none.
    """

    deployment: str
    algorithm: str
    key: Any
    issuer: str
    audience: str
    subject: str
    key_id: str = ""
    max_lifetime: timedelta = timedelta(hours=DEFAULT_MAX_TOKEN_HOURS)
    nbf_leeway: timedelta = timedelta(seconds=DEFAULT_NBF_LEEWAY_SECONDS)

    def __repr__(self) -> str:  # never print the key (tracebacks, logs)
        return f"TokenSettings({self.deployment!r}, {self.algorithm!r}, kid={self.key_id!r})"


def mint_token(
    token_settings: TokenSettings,
    room_name: str,
    participant: Participant,
    not_after: datetime,
    now: datetime | None = None,
) -> str:
    """The only place tokens are minted: a JWT admitting ``participant`` to ``room_name`` only.

    ``exp`` = the earlier of ``not_after`` and ``now`` + the maximum lifetime, rounded down to
    the second so it never exceeds ``not_after``; ``nbf`` is backdated by the leeway because
    prosody allows no clock skew. Raises ``VideoError`` when ``not_after`` is not in the future,
    ``ValueError`` for a room name we cannot have made (above all ``*``, "every room").
    """
    now = now or timezone.now()
    check_room_name(room_name)
    check_not_after(not_after, now)
    expires = min(not_after, now + token_settings.max_lifetime)
    claims = {
        "iss": token_settings.issuer,
        "aud": token_settings.audience,
        "sub": token_settings.subject,
        "room": room_name,
        "iat": int(now.timestamp()),
        "nbf": int((now - token_settings.nbf_leeway).timestamp()),
        "exp": int(expires.timestamp()),
        "context": _context(token_settings.deployment, participant),
    }
    headers = {"kid": token_settings.key_id} if token_settings.key_id else None
    return jwt.encode(claims, token_settings.key, algorithm=token_settings.algorithm, headers=headers)


def _context(deployment: str, participant: Participant) -> dict[str, Any]:
    """``context`` claim; every user value a string (prosody and 8x8 compare strings)."""
    moderator = participant.role is ParticipantRole.MODERATOR
    user = {"id": participant.participant_id, "name": participant.display_name, "email": participant.email}
    if deployment == JAAS:
        user.update(avatar="", moderator="true" if moderator else "false")
        return {"user": user, "features": dict(JAAS_FEATURES)}
    user["affiliation"] = "owner" if moderator else "member"
    return {"user": user}


def asap_key_file_name(key_id: str) -> str:
    """The file prosody fetches from ``asap_key_server`` for ``kid`` = ``key_id`` (RS256 self-hosted)."""
    return hashlib.sha256(key_id.encode()).hexdigest() + ".pem"


@functools.lru_cache(maxsize=8)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Parse an unencrypted PEM RSA private key of at least 2048 bits, or raise ``ValueError``.

    Literal ``\\n`` sequences (a PEM squeezed into one environment variable) become newlines.
    Cached: parsing an RSA key costs milliseconds, and the console mints tokens on every poll.
    """
    if "\\n" in pem and "\n" not in pem.strip():
        pem = pem.replace("\\n", "\n")
    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"not an unencrypted PEM private key ({type(exc).__name__})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("RS256 needs an RSA key")
    if key.key_size < MIN_RSA_KEY_BITS:
        raise ValueError(f"the RSA key has {key.key_size} bits; use at least {MIN_RSA_KEY_BITS}")
    return key
