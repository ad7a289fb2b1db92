"""Generate the relying party's key pair for identity providers that use private_key_jwt or encrypt
to us (itsme): one RSA signing key and one RSA encryption key, as a private JWK set (JSON).

Keep the output in a secret store and give it to ``SOCIAL_AUTH_BALIE_<BACKEND>_PRIVATE_JWKS``; the
public half is served at ``/digitale-balie/identity/jwks.json``.

The encryption key carries the one algorithm it is for (``alg``), because the provider chooses a key by
it: a provider registered for RSA-OAEP-256 finds "no suitable encryption key" in a set whose key says
RSA-OAEP. The default is RSA-OAEP-256, which itsme's JOSE guide asks for; ``--encryption-alg RSA-OAEP``
is for a provider registered for that.
"""

from __future__ import annotations

import json
import secrets

from django.core.management.base import BaseCommand
from joserfc.jwk import KeySet, RSAKey

#: What an RSA encryption key can be for; the first is the default.
RSA_ENCRYPTION_ALGORITHMS = ("RSA-OAEP-256", "RSA-OAEP")


def generate_private_jwks(bits: int = 3072, encryption_alg: str = RSA_ENCRYPTION_ALGORITHMS[0]) -> dict:
    if encryption_alg not in RSA_ENCRYPTION_ALGORITHMS:
        raise ValueError(f"encryption_alg must be one of {', '.join(RSA_ENCRYPTION_ALGORITHMS)}")
    suffix = secrets.token_hex(4)
    signing = RSAKey.generate_key(bits, parameters={"use": "sig", "alg": "RS256", "kid": f"balie-sig-{suffix}"})
    encryption = RSAKey.generate_key(
        bits, parameters={"use": "enc", "alg": encryption_alg, "kid": f"balie-enc-{suffix}"}
    )
    return KeySet([signing, encryption]).as_dict(private=True)


class Command(BaseCommand):
    help = "Print a new private JWK set (one signing and one encryption RSA key) for identity providers."

    def add_arguments(self, parser):
        parser.add_argument("--bits", type=int, default=3072, help="RSA key size (default 3072).")
        parser.add_argument(
            "--encryption-alg",
            choices=RSA_ENCRYPTION_ALGORITHMS,
            default=RSA_ENCRYPTION_ALGORITHMS[0],
            help="The algorithm the provider encrypts ID token and UserInfo with (default RSA-OAEP-256, as itsme "
            "asks); it must match the client's registration at the provider.",
        )

    def handle(self, *args, bits, encryption_alg, **options):
        self.stdout.write(json.dumps(generate_private_jwks(bits, encryption_alg)))
