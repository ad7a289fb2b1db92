"""A generic OpenID Connect verification backend (``balie-oidc``) for other brokers (a regional
identity hub, a Dutch DigiD broker, Keycloak in front of eIDAS).

Settings: ``SOCIAL_AUTH_BALIE_OIDC_OIDC_ENDPOINT``, ``..._KEY``, ``..._SECRET`` or ``..._PRIVATE_JWKS``
with ``..._TOKEN_ENDPOINT_AUTH_METHOD = "private_key_jwt"``, ``..._ACR_LEVELS`` (acr → low /
substantial / high; default the eIDAS URIs), ``..._NATIONAL_NUMBER_CLAIM``, ``..._EXTRA_SCOPES``.
"""

from digitale_balie_plugin.integrations.identity.base import VerificationBackend

OIDCVerificationBackend = VerificationBackend

__all__ = ["OIDCVerificationBackend"]
