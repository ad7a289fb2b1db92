"""Payment providers: the registry of this kind and the one function callers use to get a provider.

Callers (the payment service, the webhook view, the pay pages) ask :func:`get_payment_provider` and
never import a vendor module, so choosing a provider stays a matter of settings::

    DIGITALE_BALIE = {"PAYMENTS": {"BACKEND": "mollie", "OPTIONS": {"API_KEY": "live_...", ...}}}
"""

from digitale_balie_plugin.integrations.payments.base import PaymentProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[PaymentProvider] = Registry("PAYMENTS", PaymentProvider, default="demo")


def get_payment_provider() -> PaymentProvider:
    """The provider chosen in ``DIGITALE_BALIE["PAYMENTS"]``, read now (so ``override_settings``
    works); the offline demo provider when nothing is configured."""
    return registry.get_provider()


def payment_provider(identifier: str) -> PaymentProvider | None:
    """The configured provider if its id is ``identifier`` (a payment made with a provider that is no
    longer configured cannot be followed up here), else ``None``."""
    provider = get_payment_provider()
    return provider if provider.identifier == identifier else None


# Importing the provider modules registers them; it must come after ``registry`` exists.
from digitale_balie_plugin.integrations.payments import demo, mollie  # noqa: E402, F401
