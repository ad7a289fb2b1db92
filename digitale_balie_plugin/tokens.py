"""Secret tokens for links: ≥256 bits from ``secrets``, only a SHA-256 hash is stored.

Why a hash: a leaked database (or backup) must not hand out working links. SHA-256 without a
salt is enough here because the tokens are random and long; there is nothing to brute-force.
"""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """Return ``(raw, hash)``: give ``raw`` to the person, store only ``hash``."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone


def new_reference(length: int = 8) -> str:
    """A human-friendly appointment reference. Not a secret: it grants nothing on its own."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
