"""The registry of the PAYMENTS kind and the two functions callers use to reach its provider.

Callers ask :func:`get_payments_provider` (or :func:`payments_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "live_...", ...}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.integrations.payments.base import PaymentProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[PaymentProvider] = Registry("PAYMENTS", PaymentProvider, default="demo", feature=Feature.PAYMENTS)


def get_payments_provider() -> PaymentProvider:
    """The payment provider chosen in ``DIGITALE_BALIE["PAYMENTS"]``, read now (so ``override_settings`` works);
    the offline demo provider when nothing is configured."""
    return registry.get_provider()


def payments_provider_for(identifier: str) -> PaymentProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
