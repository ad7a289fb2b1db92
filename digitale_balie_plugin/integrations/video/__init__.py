"""Video rooms: the registry of this kind and the one function callers use to get a provider.

Callers (the call service, the waiting room, the clerk's console) ask :func:`get_video_provider`
and never import a vendor module, so choosing a video server stays a matter of settings::

    DIGITALE_BALIE = {"VIDEO": {"BACKEND": "jitsi", "OPTIONS": {"DEPLOYMENT": "self_hosted", ...}}}
"""

from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.video.base import VideoProvider

registry: Registry[VideoProvider] = Registry("VIDEO", VideoProvider, default="demo")


def get_video_provider(overrides: dict | None = None) -> VideoProvider:
    """The provider chosen in ``DIGITALE_BALIE["VIDEO"]``, read now (so ``override_settings``
    works); the offline demo provider when nothing is configured. ``overrides`` replaces options
    for one caller, e.g. a municipality's own ``DOMAIN`` (per-site settings)."""
    provider = registry.get_provider()
    return type(provider)({**provider.options, **overrides}) if overrides else provider


# Importing the provider modules registers them under "demo" and "jitsi"; it must come after
# ``registry`` exists because they decorate their classes with it.
from digitale_balie_plugin.integrations.video import demo, jitsi  # noqa: E402, F401
