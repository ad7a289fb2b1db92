"""The registry of the VIDEO kind and the two functions callers use to reach its provider.

Callers ask :func:`get_video_provider` (or :func:`video_provider_for` for a provider id stored
with a record) and never import a vendor module, so choosing a vendor stays a matter of settings::

    DIGITALE_BALIE = {"VIDEO": {"BACKEND": "jitsi", "OPTIONS": {"DEPLOYMENT": "self_hosted", ...}}}

This module imports no vendor module: vendors import it (``from .registry import registry``) and
register themselves when :func:`digitale_balie_plugin.integrations.providers.register_providers`
imports them, or when a dotted ``BACKEND`` path is imported on first use.
"""

from __future__ import annotations

from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.video.base import VideoProvider

registry: Registry[VideoProvider] = Registry("VIDEO", VideoProvider, default="demo")


def get_video_provider(overrides: dict | None = None) -> VideoProvider:
    """The video server chosen in ``DIGITALE_BALIE["VIDEO"]``, read now (so ``override_settings``
    works); the offline demo provider when nothing is configured. ``overrides`` replaces options
    for one caller, e.g. a municipality's own ``DOMAIN`` (per-site settings)."""
    provider = registry.get_provider()
    return type(provider)({**provider.options, **overrides}) if overrides else provider


def video_provider_for(identifier: str) -> VideoProvider | None:
    """The configured provider if its id is ``identifier``, else ``None`` (see ``Registry.provider_for``)."""
    return registry.provider_for(identifier)
