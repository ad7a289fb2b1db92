"""Generate the relying party's key pair for identity providers that use private_key_jwt or encrypt
to us (itsme): one RSA signing key and one RSA encryption key, as a private JWK set (JSON).

Keep the output in a secret store and give it to ``SOCIAL_AUTH_BALIE_<BACKEND>_PRIVATE_JWKS``; the
public half is served at ``/digitale-balie/identity/jwks.json``.
"""

from __future__ import annotations

import json
import secrets

from django.core.management.base import BaseCommand
from joserfc.jwk import KeySet, RSAKey


def generate_private_jwks(bits: int = 3072) -> dict:
    suffix = secrets.token_hex(4)
    signing = RSAKey.generate_key(bits, parameters={"use": "sig", "alg": "RS256", "kid": f"balie-sig-{suffix}"})
    encryption = RSAKey.generate_key(bits, parameters={"use": "enc", "alg": "RSA-OAEP", "kid": f"balie-enc-{suffix}"})
    return KeySet([signing, encryption]).as_dict(private=True)


class Command(BaseCommand):
    help = "Print a new private JWK set (one signing and one encryption RSA key) for identity providers."

    def add_arguments(self, parser):
        parser.add_argument("--bits", type=int, default=3072, help="RSA key size (default 3072).")

    def handle(self, *args, bits, **options):
        self.stdout.write(json.dumps(generate_private_jwks(bits)))
