"""SMS gateways: base class, registry, the offline demo provider and Twilio."""

from ..registry import Registry
from .base import SmsProvider

registry: Registry[SmsProvider] = Registry("SMS", SmsProvider, default="demo")


def get_sms_provider() -> SmsProvider:
    return registry.get_provider()


from . import demo  # noqa: E402,F401  (registers "demo")
from . import twilio  # noqa: E402,F401  (registers "twilio")
