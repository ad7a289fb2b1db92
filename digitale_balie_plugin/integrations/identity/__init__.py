"""Identity providers for strong verification: python-social-auth OpenID Connect backends.

Unlike the other integration kinds, several identity providers are active at once (the citizen
chooses itsme or eID). The registry is therefore python-social-auth's own list,
``SOCIAL_AUTH_AUTHENTICATION_BACKENDS``: every backend there that derives from
``VerificationBackend`` is offered, in that order.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from digitale_balie_plugin.integrations.identity.base import VerificationBackend


def identity_backends() -> list[type[VerificationBackend]]:
    """The configured verification backends, in the order the citizen sees them."""
    found = []
    for path in getattr(settings, "SOCIAL_AUTH_AUTHENTICATION_BACKENDS", ()) or ():
        try:
            backend = import_string(path)
        except ImportError:
            continue
        if isinstance(backend, type) and issubclass(backend, VerificationBackend):
            found.append(backend)
    return found


def identity_backend(name: str) -> type[VerificationBackend] | None:
    return next((backend for backend in identity_backends() if backend.name == name), None)
