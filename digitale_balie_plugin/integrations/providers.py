"""Registers every built-in vendor: ``AppConfig.ready()`` calls :func:`register_providers`.

A vendor registers itself with its kind's ``@registry.register("id")`` decorator when its module is
imported. The registries never import vendors (vendors import their registry: the imports run
downward, without cycles), so something has to import them once; this module does, and only this
module.

Why a module of its own and not a function in ``integrations/__init__.py``: importing it loads every
vendor module and their SDKs (Mollie, pyHanko). Keeping that out of the package ``__init__`` means
that importing a contract (``integrations.sms.base``) or a registry stays cheap and loads no vendor
code; the imports stay at the top of this module (no import inside a function), and the one lazy
import is the one ``AppConfig.ready()`` makes of this module, where Django wants it.

A site's own provider needs no entry here: ``BACKEND = "my.module.MyProvider"`` is imported (and
registered) on first use by ``Registry.get_provider``.
"""

from __future__ import annotations

from digitale_balie_plugin.integrations import all_registries
from digitale_balie_plugin.integrations.antivirus import clamav as antivirus_clamav
from digitale_balie_plugin.integrations.antivirus import demo as antivirus_demo
from digitale_balie_plugin.integrations.crm import demo as crm_demo
from digitale_balie_plugin.integrations.crm import webhook as crm_webhook
from digitale_balie_plugin.integrations.payments import demo as payments_demo
from digitale_balie_plugin.integrations.payments import mollie as payments_mollie
from digitale_balie_plugin.integrations.signing import demo as signing_demo
from digitale_balie_plugin.integrations.signing import pyhanko_provider as signing_pyhanko
from digitale_balie_plugin.integrations.sms import demo as sms_demo
from digitale_balie_plugin.integrations.sms import twilio as sms_twilio
from digitale_balie_plugin.integrations.video import demo as video_demo
from digitale_balie_plugin.integrations.video import jitsi as video_jitsi

#: The built-in vendor modules, by kind (imported above; listed so the imports are used).
BUILT_IN = {
    "ANTIVIRUS": (antivirus_demo, antivirus_clamav),
    "CRM": (crm_demo, crm_webhook),
    "PAYMENTS": (payments_demo, payments_mollie),
    "SIGNING": (signing_demo, signing_pyhanko),
    "SMS": (sms_demo, sms_twilio),
    "VIDEO": (video_demo, video_jitsi),
}


def register_providers() -> None:
    """Make sure every built-in provider is registered, and every kind has its default.

    The imports at the top of this module did the registering; this function is the explicit call
    for ``AppConfig.ready()`` and fails loudly (``ConfigurationError``) if a kind's default
    provider is missing, instead of failing later on a citizen's request.
    """
    for registry in all_registries():
        registry.get_class(registry.default)
