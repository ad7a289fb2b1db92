"""The demo identity provider's backend: the itsme code path, pointed at the example site's own
OpenID Connect server (``example_site.demo_idp``), so ``make demo`` verifies offline with the real
relying-party code (private_key_jwt, encrypted ID token and UserInfo, acr, national number).

Settings: ``SOCIAL_AUTH_BALIE_DEMO_OIDC_ENDPOINT`` (required), ``..._KEY``, ``..._PRIVATE_JWKS``;
``..._SERVICE_CODE`` defaults to ``DEMO``. A system check warns when it is active without ``DEBUG``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from social_core.exceptions import AuthConfigurationError

from digitale_balie_plugin.integrations.identity.itsme import ItsmeBackend


class DemoIdentityBackend(ItsmeBackend):
    name = "balie-demo"
    title = _("Demo login (test persons)")
    is_demo = True

    def oidc_endpoint(self) -> str:
        configured = self.setting("OIDC_ENDPOINT", None)
        if not configured:
            raise AuthConfigurationError(self, parameter="OIDC_ENDPOINT", code="missing_setting", stage="begin")
        return configured.rstrip("/")

    def extra_scopes(self) -> list[str]:
        return [f"service:{self.setting('SERVICE_CODE', None) or 'DEMO'}"]
