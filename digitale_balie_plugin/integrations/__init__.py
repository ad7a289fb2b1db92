"""Vendors behind base classes. Nothing here imports models, views, pages, blocks or the service layer.

Every kind has the same shape: ``<kind>/base.py`` (the contract), ``<kind>/registry.py``
(``get_<kind>_provider()`` and ``<kind>_provider_for(id)``), ``<kind>/demo.py`` and one module per
vendor. Importing this package or a kind's registry never imports a vendor module; the built-in
vendors are registered by :func:`.providers.register_providers`, called from ``AppConfig.ready()``.
"""

from __future__ import annotations

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.integrations.antivirus.registry import registry as antivirus
from digitale_balie_plugin.integrations.crm.registry import registry as crm
from digitale_balie_plugin.integrations.payments.registry import registry as payments
from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.signing.registry import registry as signing
from digitale_balie_plugin.integrations.sms.registry import registry as sms
from digitale_balie_plugin.integrations.video.registry import registry as video


def all_registries() -> list[Registry]:
    """Every integration kind's registry, for system checks and the admin's status page; the kinds of
    switched-off features (``DIGITALE_BALIE["FEATURES"]``) are left out, so nothing loads or checks them.

    Identity is not among them: its providers are python-social-auth backends, listed in
    ``SOCIAL_AUTH_AUTHENTICATION_BACKENDS`` (see ``identity/registry.py``).
    """
    return [
        registry
        for registry in (sms, video, payments, antivirus, signing, crm)
        if app_settings.feature_on(registry.feature)
    ]
