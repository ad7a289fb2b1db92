"""The registry of the SMS kind and the two functions callers use to reach its provider.

Callers ask :func:`get_sms_provider` (or :func:`sms_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"SMS": {"BACKEND": "twilio", "OPTIONS": {"ACCOUNT_SID": "AC...", ...}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.sms.base import SmsProvider

registry: Registry[SmsProvider] = Registry("SMS", SmsProvider, default="demo")


def get_sms_provider() -> SmsProvider:
    """The gateway chosen in ``DIGITALE_BALIE["SMS"]``, read now (so ``override_settings`` works);
    the offline demo provider when nothing is configured."""
    return registry.get_provider()


def sms_provider_for(identifier: str) -> SmsProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
