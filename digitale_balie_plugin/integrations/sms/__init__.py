"""SMS gateways: base class, registry, the offline demo provider and Twilio."""

from ..registry import Registry
from .base import SmsProvider

registry: Registry[SmsProvider] = Registry("SMS", SmsProvider, default="demo")


def get_sms_provider() -> SmsProvider:
    return registry.get_provider()


# Importing the provider modules registers them ("demo", "twilio").
from . import demo, twilio  # noqa: E402, F401
