"""The registry of the ANTIVIRUS kind and the two functions callers use to reach its provider.

Callers ask :func:`get_antivirus_provider` (or :func:`antivirus_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"ANTIVIRUS": {"BACKEND": "clamav", "OPTIONS": {"HOST": "127.0.0.1", "PORT": 3310}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.integrations.antivirus.base import AntivirusProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[AntivirusProvider] = Registry(
    "ANTIVIRUS", AntivirusProvider, default="demo", feature=Feature.DOCUMENTS
)


def get_antivirus_provider() -> AntivirusProvider:
    """The scanner chosen in ``DIGITALE_BALIE["ANTIVIRUS"]``, read now (so ``override_settings`` works);
    the offline demo provider when nothing is configured."""
    return registry.get_provider()


def antivirus_provider_for(identifier: str) -> AntivirusProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
