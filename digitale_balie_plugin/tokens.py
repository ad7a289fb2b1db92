"""Secret tokens for links: from ``secrets``, 256 bits (128 in an SMS), only a SHA-256 hash is stored.

Why a hash: a leaked database (or backup) must not hand out working links. SHA-256 without a
salt is enough here because the tokens are random and long; there is nothing to brute-force.
"""

import hashlib
import secrets

#: Bytes of a link token in an e-mail, and in an SMS, where every character counts (a 22-character token keeps
#: the link short enough for one message with its text). 128 bits stay far beyond guessing: the tokens expire,
#: the links are rate-limited, and only their hashes are stored.
TOKEN_BYTES = 32
SHORT_TOKEN_BYTES = 16


def new_token(nbytes: int = TOKEN_BYTES) -> tuple[str, str]:
    """Return ``(raw, hash)``: give ``raw`` to the person, store only ``hash``."""
    if nbytes < SHORT_TOKEN_BYTES:
        raise ValueError("A link token has at least 128 bits.")
    raw = secrets.token_urlsafe(nbytes)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone


def new_reference(length: int = 8) -> str:
    """A human-friendly appointment reference. Not a secret: it grants nothing on its own."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
