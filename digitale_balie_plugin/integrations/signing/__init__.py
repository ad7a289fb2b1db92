"""Document signing: the registry of this kind and the one function callers use.

DIGITALE_BALIE = {"SIGNING": {"BACKEND": "pyhanko", "OPTIONS": {"PKCS12_PATH": "...", "PKCS12_PASSPHRASE": "..."}}}
"""

from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.signing.base import SigningProvider

registry: Registry[SigningProvider] = Registry("SIGNING", SigningProvider, default="demo")


def get_signing_provider() -> SigningProvider:
    return registry.get_provider()


from digitale_balie_plugin.integrations.signing import demo, pyhanko_provider  # noqa: E402, F401
