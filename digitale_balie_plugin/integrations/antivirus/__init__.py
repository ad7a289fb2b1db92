"""Virus scanners: the registry of this kind and the one function callers use to get a scanner.

DIGITALE_BALIE = {"ANTIVIRUS": {"BACKEND": "clamav", "OPTIONS": {"HOST": "127.0.0.1", "PORT": 3310}}}
"""

from digitale_balie_plugin.integrations.antivirus.base import AntivirusProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[AntivirusProvider] = Registry("ANTIVIRUS", AntivirusProvider, default="demo")


def get_antivirus() -> AntivirusProvider:
    """The scanner chosen in ``DIGITALE_BALIE["ANTIVIRUS"]``; the demo scanner when nothing is configured."""
    return registry.get_provider()


from digitale_balie_plugin.integrations.antivirus import clamav, demo  # noqa: E402, F401
