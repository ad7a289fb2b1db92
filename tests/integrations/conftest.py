"""Provider contract tests read messages in English (the source language), whatever the site's default."""

import pytest
from django.utils import translation

from digitale_balie_plugin.integrations.providers import register_providers


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _providers_registered():
    """The built-in vendors, registered as ``AppConfig.ready()`` registers them (calling it twice is harmless)."""
    register_providers()
