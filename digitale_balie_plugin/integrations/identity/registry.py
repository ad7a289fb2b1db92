"""The registry of the IDENTITY kind and the two functions callers use to reach its providers.

Unlike the other kinds, several identity providers are active at once (the citizen chooses itsme or
eID), and they are python-social-auth backends, which social-core instantiates itself. The registry
is therefore python-social-auth's own list, ``SOCIAL_AUTH_AUTHENTICATION_BACKENDS``, rather than a
:class:`..registry.Registry`: every backend there that derives from ``VerificationBackend`` is
offered, in that order. Hence the plural :func:`get_identity_providers`; the pair otherwise follows
the rule of every kind (``get_<kind>_provider[s]()``, ``<kind>_provider_for(id)``).

    SOCIAL_AUTH_AUTHENTICATION_BACKENDS = ["digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend", ...]

Like the other registries, this module imports no vendor module: the settings name them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from digitale_balie_plugin.conf import Feature, app_settings
from digitale_balie_plugin.integrations.identity.base import VerificationBackend


def get_identity_providers() -> list[type[VerificationBackend]]:
    """The configured verification backends (classes: social-core instantiates them with a
    strategy), in the order the citizen sees them; entries that cannot be imported are skipped.
    None while the identity feature is switched off (``DIGITALE_BALIE["FEATURES"]``)."""
    if not app_settings.feature_on(Feature.IDENTITY):
        return []
    found = []
    for path in getattr(settings, "SOCIAL_AUTH_AUTHENTICATION_BACKENDS", ()) or ():
        try:
            backend = import_string(path)
        except ImportError:
            continue
        if isinstance(backend, type) and issubclass(backend, VerificationBackend):
            found.append(backend)
    return found


def identity_provider_for(name: str) -> type[VerificationBackend] | None:
    """The configured backend whose social-core ``name`` is ``name`` (``"balie-itsme"``), else ``None``."""
    return next((backend for backend in get_identity_providers() if backend.name == name), None)
