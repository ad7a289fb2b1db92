"""The shape every integration kind shares: registry modules, accessors, registration of vendors."""

import importlib
import subprocess
import sys

import pytest
from django.test import override_settings

from digitale_balie_plugin.integrations import all_registries
from digitale_balie_plugin.integrations.providers import BUILT_IN, register_providers
from digitale_balie_plugin.integrations.sms.base import SmsProvider, SmsResult
from digitale_balie_plugin.integrations.sms.registry import get_sms_provider, registry, sms_provider_for

KINDS = ("antivirus", "crm", "payments", "signing", "sms", "video")
BUILT_IN_IDS = {
    "ANTIVIRUS": {"demo", "clamav"},
    "CRM": {"demo", "webhook"},
    "PAYMENTS": {"demo", "mollie"},
    "SIGNING": {"demo", "pyhanko"},
    "SMS": {"demo", "twilio"},
    "VIDEO": {"demo", "jitsi"},
}


VENDOR_MODULES = {module.__name__ for modules in BUILT_IN.values() for module in modules} | {
    f"digitale_balie_plugin.integrations.{name}"
    for name in (
        "providers",
        "identity.demo",
        "identity.itsme",
        "identity.fas",
        "identity.oidc",
        "identity.status",
        "video.jitsi_tokens",
        "video.jitsi_status",
    )
}


class SiteSmsProvider(SmsProvider):
    """A site's own gateway, named by a dotted path in settings and registered by nobody beforehand."""

    def send(self, message):
        return SmsResult(provider_message_id="site-1")

    def parse_delivery_report(self, request):
        return []


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_the_same_accessors(kind):
    module = importlib.import_module(f"digitale_balie_plugin.integrations.{kind}.registry")
    assert callable(getattr(module, f"get_{kind}_provider"))
    assert callable(getattr(module, f"{kind}_provider_for"))
    assert module.registry.kind == kind.upper()


def test_register_providers_registers_every_built_in_vendor():
    register_providers()  # a second call is harmless
    assert {
        registry.kind: {cls.identifier for cls in registry} >= BUILT_IN_IDS[registry.kind]
        for registry in all_registries()
    } == dict.fromkeys(BUILT_IN_IDS, True)
    assert set(BUILT_IN) == set(BUILT_IN_IDS)


def test_provider_for_answers_only_for_the_configured_id():
    with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "demo"}}):
        assert sms_provider_for("demo").identifier == "demo"
        assert sms_provider_for("twilio") is None


def test_a_sites_own_provider_by_dotted_path():
    path = f"{__name__}.SiteSmsProvider"
    with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": path}}):
        provider = get_sms_provider()
        assert isinstance(provider, SiteSmsProvider)
        assert registry.get_class("sitesmsprovider") is SiteSmsProvider
        assert isinstance(sms_provider_for("sitesmsprovider"), SiteSmsProvider)


@pytest.mark.parametrize("kind", [*KINDS, "identity"])
def test_importing_a_contract_or_a_registry_loads_no_vendor(kind):
    """The registries import no vendor: vendors register when ``register_providers`` imports them."""
    code = (
        "import sys, django; from django.conf import settings; settings.configure(); "
        f"import digitale_balie_plugin.integrations.{kind}.registry; "
        "from digitale_balie_plugin.integrations import all_registries; "
        "loaded = [m for m in sys.modules if m.startswith('digitale_balie_plugin.')]; "
        "print('\\n'.join(loaded))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert f"digitale_balie_plugin.integrations.{kind}.registry" in loaded
    assert [name for name in loaded if name in VENDOR_MODULES] == []
