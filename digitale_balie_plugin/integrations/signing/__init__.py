"""Document signing: the registry of this kind and the one function callers use.

DIGITALE_BALIE = {"SIGNING": {"BACKEND": "pyhanko", "OPTIONS": {"PKCS12_PATH": "...", "PKCS12_PASSPHRASE": "..."}}}
"""

from ..registry import Registry
from .base import SigningProvider

registry: Registry[SigningProvider] = Registry("SIGNING", SigningProvider, default="demo")


def get_signing_provider() -> SigningProvider:
    return registry.get_provider()


from . import demo, pyhanko_provider  # noqa: E402, F401
