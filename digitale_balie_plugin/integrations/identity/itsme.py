"""itsme (Belgian Mobile ID): the app most Belgians use to log in to government services.

What itsme needs from a relying party, per its OpenID Connect documentation:
- discovery under ``https://idp.e2e.itsme.services/v2/`` (test, "e2e") or ``https://idp.prd.itsme.services/v2/``;
- client authentication with ``private_key_jwt`` only (our public keys are published at a
  ``jwks_uri`` registered at onboarding: ``digitale_balie:identity_jwks``);
- ID token and UserInfo signed *and encrypted* to our ``enc`` key;
- the scope ``service:<SERVICE_CODE>`` that names the service configured at onboarding;
- the national number as the claim ``http://itsme.services/v2/claim/BENationalNumber``, asked for
  through the ``claims`` request parameter;
- ``acr`` ``.../acr_basic`` (PIN or biometrics) or ``.../acr_advanced`` (the strongest, PIN only).

Settings: ``SOCIAL_AUTH_BALIE_ITSME_KEY`` (client id = partner code), ``..._SERVICE_CODE``,
``..._PRIVATE_JWKS``, ``..._ENVIRONMENT`` (``e2e`` or ``prd``; default ``e2e``).
"""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from social_core.exceptions import AuthConfigurationError

from digitale_balie_plugin.integrations.identity.base import AssuranceLevel
from digitale_balie_plugin.integrations.identity.oidc import OIDCVerificationBackend

ITSME_ENDPOINTS = {
    "e2e": "https://idp.e2e.itsme.services/v2",
    "prd": "https://idp.prd.itsme.services/v2",
}
ITSME_CLAIM = "http://itsme.services/v2/claim/"
NATIONAL_NUMBER_CLAIM = ITSME_CLAIM + "BENationalNumber"


class ItsmeBackend(OIDCVerificationBackend):
    name = "balie-itsme"
    title = _("itsme")
    TOKEN_ENDPOINT_AUTH_METHOD = "private_key_jwt"  # noqa: S105 - a method name, not a secret
    REQUIRE_ENCRYPTED_ID_TOKEN = True
    DEFAULT_SCOPE: ClassVar[list[str]] = ["openid", "profile", "eid"]
    NATIONAL_NUMBER_CLAIMS: ClassVar[tuple[str, ...]] = (NATIONAL_NUMBER_CLAIM,)
    REQUEST_CLAIMS: ClassVar[tuple[str, ...]] = ("given_name", "family_name", "birthdate", NATIONAL_NUMBER_CLAIM)
    ACR_LEVELS: ClassVar[dict[str, str]] = {
        ITSME_CLAIM + "acr_basic": AssuranceLevel.SUBSTANTIAL,
        ITSME_CLAIM + "acr_advanced": AssuranceLevel.HIGH,
    }

    def oidc_endpoint(self) -> str:
        configured = self.setting("OIDC_ENDPOINT", None)
        if configured:
            return configured.rstrip("/")
        environment = self.setting("ENVIRONMENT", "e2e")
        if environment not in ITSME_ENDPOINTS:
            raise AuthConfigurationError(self, parameter="ENVIRONMENT", code="invalid_setting", stage="begin")
        return ITSME_ENDPOINTS[environment]

    def extra_scopes(self) -> list[str]:
        code = self.setting("SERVICE_CODE", None)
        if not code:
            raise AuthConfigurationError(self, parameter="SERVICE_CODE", code="missing_setting", stage="begin")
        return [f"service:{code}", *super().extra_scopes()]
