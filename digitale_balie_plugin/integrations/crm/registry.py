"""The registry of the CRM kind and the two functions callers use to reach its provider.

Callers ask :func:`get_crm_provider` (or :func:`crm_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"CRM": {"BACKEND": "webhook", "OPTIONS": {"URL": "https://crm.example/hooks", "SECRET": "..."}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.integrations.crm.base import CrmProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[CrmProvider] = Registry("CRM", CrmProvider, default="demo", feature=Feature.CRM)


def get_crm_provider() -> CrmProvider:
    """The CRM chosen in ``DIGITALE_BALIE["CRM"]``, read now (so ``override_settings`` works);
    the offline demo provider when nothing is configured."""
    return registry.get_provider()


def crm_provider_for(identifier: str) -> CrmProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
