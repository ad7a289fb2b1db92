"""The video provider for one municipality: the settings file's provider, with the site's own server."""

from __future__ import annotations

from digitale_balie_plugin.integrations.video.registry import get_video_provider
from digitale_balie_plugin.models import CounterSettings


def site_video_provider(site):
    """Per-site Jitsi domain (``CounterSettings.video_domain``) over the configured provider."""
    domain = CounterSettings.for_site(site).video_domain.strip() if site is not None else ""
    return get_video_provider({"DOMAIN": domain} if domain else None)
