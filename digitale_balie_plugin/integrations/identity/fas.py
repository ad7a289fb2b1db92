"""FAS, the federal authentication service (CSAM): eID card with reader, itsme or another digital key
through the federal government's login page.

What FAS needs from a relying party (BOSA's OpenID Connect integration guide):
- issuer ``https://idp.iamfas.int.belgium.be/fas/oauth2`` (integration) or
  ``https://idp.iamfas.belgium.be/fas/oauth2`` (production);
- scope ``egovnrn`` for the national number, delivered as the claim ``egovNRN``; names as
  ``givenName`` and ``surname``;
- UserInfo as a signed JWT (no birth-date claim: it is read from the national number);
- ``acr_values`` such as ``urn:be:fedict:iam:fas:Level450`` (itsme, a digital key with a mobile
  app) or ``urn:be:fedict:iam:fas:Level500`` (eID card).

Settings: ``SOCIAL_AUTH_BALIE_FAS_KEY`` / ``..._SECRET`` (client credentials from BOSA),
``..._ENVIRONMENT`` (``int`` or ``prod``; default ``int``), optionally ``..._TOKEN_ENDPOINT_AUTH_METHOD``.
"""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _
from social_core.exceptions import AuthConfigurationError

from digitale_balie_plugin.integrations.identity.base import AssuranceLevel
from digitale_balie_plugin.integrations.identity.oidc import OIDCVerificationBackend

FAS_ENDPOINTS = {
    "int": "https://idp.iamfas.int.belgium.be/fas/oauth2",
    "prod": "https://idp.iamfas.belgium.be/fas/oauth2",
}
FAS_LEVEL = "urn:be:fedict:iam:fas:"


class FasBackend(OIDCVerificationBackend):
    name = "balie-fas"
    title = _("eID or digital key (CSAM)")
    TOKEN_ENDPOINT_AUTH_METHOD = "client_secret_basic"  # noqa: S105 - a method name, not a secret
    DEFAULT_SCOPE: ClassVar[list[str]] = ["openid", "profile", "egovnrn"]
    GIVEN_NAME_CLAIMS: ClassVar[tuple[str, ...]] = ("givenName", "given_name")
    FAMILY_NAME_CLAIMS: ClassVar[tuple[str, ...]] = ("surname", "family_name")
    BIRTH_DATE_CLAIMS: ClassVar[tuple[str, ...]] = ("birthDate", "birthdate")
    NATIONAL_NUMBER_CLAIMS: ClassVar[tuple[str, ...]] = ("egovNRN",)
    REQUESTED_ACR: ClassVar[tuple[str, ...]] = tuple(
        f"{FAS_LEVEL}Level{n}" for n in ("100", "200", "400", "450", "500")
    )
    #: FAS is not documented to put the level in ``acr``; some deployments use ``amr``.
    ACR_CLAIMS: ClassVar[tuple[str, ...]] = ("acr", "amr", "assurance_level")
    ACR_LEVELS: ClassVar[dict[str, str]] = {
        f"{FAS_LEVEL}{variant}Level{number}": level
        for variant in ("", "citizen:")
        for number, level in (
            ("100", AssuranceLevel.LOW),
            ("200", AssuranceLevel.LOW),
            ("300", AssuranceLevel.LOW),
            ("400", AssuranceLevel.SUBSTANTIAL),
            ("450", AssuranceLevel.HIGH),
            ("500", AssuranceLevel.HIGH),
        )
    }

    def oidc_endpoint(self) -> str:
        configured = self.setting("OIDC_ENDPOINT", None)
        if configured:
            return configured.rstrip("/")
        environment = self.setting("ENVIRONMENT", "int")
        if environment not in FAS_ENDPOINTS:
            raise AuthConfigurationError(self, parameter="ENVIRONMENT", code="invalid_setting", stage="begin")
        return FAS_ENDPOINTS[environment]
