"""The registry of the SIGNING kind and the two functions callers use to reach its provider.

Callers ask :func:`get_signing_provider` (or :func:`signing_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"SIGNING": {"BACKEND": "pyhanko", "OPTIONS": {"PKCS12_PATH": "...", "PKCS12_PASSPHRASE": "..."}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.signing.base import SigningProvider

registry: Registry[SigningProvider] = Registry("SIGNING", SigningProvider, default="demo", feature=Feature.SIGNING)


def get_signing_provider() -> SigningProvider:
    """The signer chosen in ``DIGITALE_BALIE["SIGNING"]``, read now (so ``override_settings`` works);
    the offline demo provider when nothing is configured."""
    return registry.get_provider()


def signing_provider_for(identifier: str) -> SigningProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
