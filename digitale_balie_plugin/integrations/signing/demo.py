"""The demo signer for ``make demo``: pyHanko with a self-signed demo certificate made by
``manage.py balie_demo_signing_cert`` (a demo root and a "Stad Demostad (DEMO)" seal certificate).
Signatures are real PAdES signatures, trusted by nobody: a system check warns in production (W001).

On several app servers (a staging site, the CI production profile) every server must seal with the same
certificate: give its content as the ``PKCS12_BASE64`` option (``balie_demo_signing_cert --base64`` prints it)
instead of the file under ``var/signing/``."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.registry import ConfigWarning
from digitale_balie_plugin.integrations.signing.pyhanko_provider import PyHankoProvider
from digitale_balie_plugin.integrations.signing.registry import registry

DEMO_PASSPHRASE = "demo"  # noqa: S105 - the demo certificate protects nothing


def demo_certificate_path():
    return Path(getattr(settings, "BASE_DIR", ".")) / "var" / "signing" / "demo-seal.p12"


@registry.register("demo")
class DemoSigningProvider(PyHankoProvider):
    verbose_name = _("Demo (self-signed certificate)")
    is_demo = True

    def __init__(self, options=None):
        options = dict(options or {})
        if not options.get("PKCS12_BASE64"):
            options.setdefault("PKCS12_PATH", str(demo_certificate_path()))
        options.setdefault("PKCS12_PASSPHRASE", DEMO_PASSPHRASE)
        options.setdefault("LOCATION", "Demostad")
        super().__init__(options)

    def signer(self):
        try:
            return super().signer()
        except ConfigurationError as exc:
            raise ConfigurationError("Demo signing: run `python manage.py balie_demo_signing_cert` first.") from exc

    def check_config(self):
        """A warning, not an error: ``manage.py migrate`` must run before the demo certificate exists."""
        return [ConfigWarning(problem) for problem in super().check_config()]
