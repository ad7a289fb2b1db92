"""SMS gateways: the registry of this kind and the one function callers use to get a provider.

Callers (the notification service, the webhook view) ask :func:`get_sms_provider` and never
import a vendor module, so choosing a gateway stays a matter of settings::

    DIGITALE_BALIE = {"SMS": {"BACKEND": "twilio", "OPTIONS": {"ACCOUNT_SID": "AC...", ...}}}
"""

from digitale_balie_plugin.integrations.registry import Registry
from digitale_balie_plugin.integrations.sms.base import SmsProvider

registry: Registry[SmsProvider] = Registry("SMS", SmsProvider, default="demo")


def get_sms_provider() -> SmsProvider:
    """The provider chosen in ``DIGITALE_BALIE["SMS"]``, read now (so ``override_settings``
    works); the offline demo provider when nothing is configured."""
    return registry.get_provider()


# Importing the provider modules registers them under "demo" and "twilio"; it must come after
# ``registry`` exists because they decorate their classes with it.
from digitale_balie_plugin.integrations.sms import demo, twilio  # noqa: E402, F401
