"""The generic OpenID Connect verification backend (``balie-oidc``), and the base of itsme and FAS.

For other brokers too (a regional identity hub, a Dutch DigiD broker, Keycloak in front of eIDAS).
Built on python-social-auth's ``OpenIdConnectAuth`` (state bound to the browser session, nonce,
PKCE, signature and claim checks, at_hash) and adds what Belgian providers need and the generic
backend lacks:

- ``private_key_jwt`` client authentication (RFC 7523 client assertion, signed with our key);
- ID tokens and UserInfo that are signed *and encrypted* (nested JWE, decrypted with joserfc);
- UserInfo as a signed JWT;
- an allow-list of signature algorithms (never ``none``, never HMAC where RSA is expected);
- ``acr`` mapped onto one scale (eIDAS low/substantial/high), reported as the provider sent it —
  never trusting that the provider honoured ``acr_values``.

These backends belong in ``SOCIAL_AUTH_AUTHENTICATION_BACKENDS`` and never in
``AUTHENTICATION_BACKENDS`` (see ``base.VerificationBackend``).

Settings follow python-social-auth's naming, per backend name, e.g. for ``balie-oidc``:
``SOCIAL_AUTH_BALIE_OIDC_OIDC_ENDPOINT``, ``..._KEY``, ``..._SECRET`` or ``..._PRIVATE_JWKS`` (our
private JWK set: one ``sig`` and one ``enc`` key, as a dict or JSON text) with
``..._TOKEN_ENDPOINT_AUTH_METHOD = "private_key_jwt"``, ``..._ACR_LEVELS`` (acr → low / substantial /
high; default the eIDAS URIs), ``..._NATIONAL_NUMBER_CLAIM``, ``..._EXTRA_SCOPES``.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import jwt
from django.utils import timezone
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import KeySet
from joserfc.registry import HeaderParameter
from social_core.exceptions import AuthConfigurationError, AuthResponseError

from digitale_balie_plugin.integrations.identity.base import (
    AssuranceLevel,
    MissingClaims,
    VerificationBackend,
    VerifiedIdentity,
)

#: eIDAS level-of-assurance URIs, as sent by brokers that speak eIDAS.
EIDAS_ACR = {
    "http://eidas.europa.eu/LoA/low": AssuranceLevel.LOW,
    "http://eidas.europa.eu/LoA/substantial": AssuranceLevel.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/high": AssuranceLevel.HIGH,
}


class OIDCVerificationBackend(VerificationBackend):
    """Generic OpenID Connect verification backend (``balie-oidc``), e.g. for a regional broker.

    Subclasses set the provider's claim names, ``acr`` scale and defaults; operators set the endpoint
    and credentials. Every setting can be overridden per backend name.
    """

    name = "balie-oidc"
    DEFAULT_USE_PKCE = True
    PKCE_DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    DEFAULT_SCOPE: ClassVar[list[str]] = ["openid", "profile"]
    #: Asymmetric only. PyJWT then refuses ``none`` and HMAC tokens outright.
    JWT_ALGORITHMS: ClassVar[list[str]] = ["RS256", "PS256", "ES256"]
    JWE_ALGORITHMS: ClassVar[list[str]] = [
        "RSA-OAEP",
        "RSA-OAEP-256",
        "ECDH-ES",
        "A128CBC-HS256",
        "A256CBC-HS512",
        "A128GCM",
        "A256GCM",
    ]
    JWT_LEEWAY = 5.0
    ID_TOKEN_MAX_AGE = 600
    #: ``acr`` value → our level. Unknown values count as no level at all.
    ACR_LEVELS: ClassVar[dict[str, str]] = EIDAS_ACR
    #: Claim names, first found wins.
    GIVEN_NAME_CLAIMS: ClassVar[tuple[str, ...]] = ("given_name",)
    FAMILY_NAME_CLAIMS: ClassVar[tuple[str, ...]] = ("family_name",)
    BIRTH_DATE_CLAIMS: ClassVar[tuple[str, ...]] = ("birthdate",)
    NATIONAL_NUMBER_CLAIMS: ClassVar[tuple[str, ...]] = ()
    #: Claims to ask for with the OIDC ``claims`` request parameter (some providers need it).
    REQUEST_CLAIMS: ClassVar[tuple[str, ...]] = ()
    #: Refuse an ID token that is not encrypted (providers that always encrypt).
    REQUIRE_ENCRYPTED_ID_TOKEN = False

    # --- settings ------------------------------------------------------------------------------

    def token_auth_method(self) -> str:
        return self.setting("TOKEN_ENDPOINT_AUTH_METHOD", self.TOKEN_ENDPOINT_AUTH_METHOD) or ""

    def private_keys(self) -> KeySet:
        raw = self.setting("PRIVATE_JWKS", None)
        if not raw:
            raise AuthConfigurationError(self, parameter="PRIVATE_JWKS", code="missing_setting", stage="begin")
        data = json.loads(raw) if isinstance(raw, str) else raw
        return KeySet.import_key_set(data)

    def _private_key(self, use: str):
        keys = [key for key in self.private_keys().keys if key.get("use") in (use, None)]
        if not keys:
            raise AuthConfigurationError(self, parameter="PRIVATE_JWKS", code="invalid_setting", stage="begin")
        return keys[0]

    def public_jwks(self) -> dict:
        """Our public keys, published for the provider (itsme asks for a ``jwks_uri`` at onboarding)."""
        try:
            keys = self.private_keys()
        except AuthConfigurationError:
            return {"keys": []}
        return {"keys": [key.as_dict(private=False) for key in keys.keys]}

    def check_config(self) -> list[str]:
        """What is missing for a login to work (system check E009), without contacting the provider."""
        name = self.name.upper().replace("-", "_")
        problems = super().check_config()
        client_id, secret = self.get_key_and_secret()
        if not client_id:
            problems.append(f"{self.name}: set SOCIAL_AUTH_{name}_KEY (the client id).")
        if self.token_auth_method() == "private_key_jwt":
            try:
                uses = {key.get("use") for key in self.private_keys().keys}
            except (AuthConfigurationError, ValueError, TypeError, KeyError) as exc:
                problems.append(
                    f"{self.name}: SOCIAL_AUTH_{name}_PRIVATE_JWKS is missing or invalid ({type(exc).__name__})."
                )
            else:
                if not ({"sig", "enc"} <= uses or None in uses):
                    problems.append(f"{self.name}: SOCIAL_AUTH_{name}_PRIVATE_JWKS needs a 'sig' and an 'enc' key.")
        elif not secret:
            problems.append(f"{self.name}: set SOCIAL_AUTH_{name}_SECRET (the client secret).")
        try:
            self.oidc_endpoint()
            self.extra_scopes()
        except AuthConfigurationError as exc:
            problems.append(f"{self.name}: set SOCIAL_AUTH_{name}_{exc.parameter or 'OIDC_ENDPOINT'}.")
        return problems

    # --- the authorization request -------------------------------------------------------------

    def get_scope(self):
        scope = list(super().get_scope())
        for extra in self.extra_scopes():
            if extra not in scope:
                scope.append(extra)
        return scope

    def extra_scopes(self) -> list[str]:
        return list(self.setting("EXTRA_SCOPES", []) or [])

    def auth_extra_arguments(self):
        params = dict(super().auth_extra_arguments() or {})
        context = self.pending_context()
        acr_values = self.acr_values_for(context.get("level") or AssuranceLevel.SUBSTANTIAL)
        if acr_values:
            params["acr_values"] = " ".join(acr_values)
        if self.REQUEST_CLAIMS:
            wanted = dict.fromkeys(self.REQUEST_CLAIMS)
            params["claims"] = json.dumps({"userinfo": wanted, "id_token": {"auth_time": {"essential": True}}})
        if context.get("language"):
            params["ui_locales"] = context["language"]
        return params

    # --- client authentication -----------------------------------------------------------------

    def use_basic_auth(self) -> bool:
        method = self.token_auth_method()
        if method == "private_key_jwt":
            return False
        return super().use_basic_auth()

    def auth_complete_params(self, state=None):
        params = super().auth_complete_params(state)
        if self.token_auth_method() == "private_key_jwt":
            params.pop("client_secret", None)
            params["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            params["client_assertion"] = self.client_assertion()
        return params

    def client_assertion(self) -> str:
        """RFC 7523 §2.2: signed by our key, for the token endpoint, short-lived, never replayable."""
        client_id, _secret = self.get_key_and_secret()
        key = self._private_key("sig")
        now = int(time.time())
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": self.access_token_url(),
            "jti": secrets.token_urlsafe(32),
            "iat": now,
            "exp": now + 60,
        }
        algorithm = key.get("alg") or "RS256"
        pem = key.as_pem(private=True)
        return jwt.encode(claims, pem, algorithm=algorithm, headers={"kid": key.kid})

    # --- tokens --------------------------------------------------------------------------------

    def _decrypt(self, token: str) -> str:
        keys = [key for key in self.private_keys().keys if key.get("use") in ("enc", None)]
        key = keys[0] if len(keys) == 1 else KeySet(keys)  # one key: no need for the header's kid
        try:
            result = jwe.decrypt_compact(token, key, registry=_jwe_registry(self.JWE_ALGORITHMS))
        except (JoseError, ValueError, KeyError) as error:
            raise AuthResponseError(
                self, "Cannot decrypt", code="invalid_signature", stage="token_validation"
            ) from error
        return result.plaintext.decode()

    def validate_and_return_id_token(self, id_token, access_token):
        if isinstance(id_token, str) and id_token.count(".") == 4:
            id_token = self._decrypt(id_token)
        elif self.REQUIRE_ENCRYPTED_ID_TOKEN or self.setting("REQUIRE_ENCRYPTED_ID_TOKEN", False):
            raise AuthResponseError(self, "ID token not encrypted", code="invalid_claim", stage="token_validation")
        self._check_algorithm(id_token)
        return super().validate_and_return_id_token(id_token, access_token)

    def _check_algorithm(self, token: str) -> None:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as error:
            raise AuthResponseError(
                self, "Malformed token", code="invalid_signature", stage="token_validation"
            ) from error
        if algorithm not in self.JWT_ALGORITHMS:
            raise AuthResponseError(self, "Algorithm refused", code="invalid_signature", stage="token_validation")

    def user_data(self, access_token: str, *args, **kwargs) -> dict[str, Any] | None:
        """UserInfo as JSON, as a signed JWT, or as a signed-then-encrypted JWT."""
        response = self.request(
            self.userinfo_url(),
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/jwt, application/json"},
            stage="user_info",
        )
        response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type == "application/json":
            try:
                data = response.json()
            except ValueError as error:
                raise AuthResponseError(self, code="malformed_response", stage="user_info") from error
        else:
            data = self._userinfo_jwt(response.text.strip())
        if not isinstance(data, dict):
            raise AuthResponseError(self, code="malformed_response", stage="user_info")
        return self.validate_userinfo_sub(data)

    def _userinfo_jwt(self, token: str) -> dict:
        if token.count(".") == 4:
            token = self._decrypt(token)
        self._check_algorithm(token)
        key = self.find_valid_key(token)
        if not key:
            raise AuthResponseError(self, "Signature verification failed", code="invalid_signature", stage="user_info")
        client_id, _secret = self.get_key_and_secret()
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK(key).key,
                algorithms=self.JWT_ALGORITHMS,
                options={"verify_aud": False, "verify_exp": False},
                leeway=self.JWT_LEEWAY,
            )
        except jwt.PyJWTError as error:
            raise AuthResponseError(self, "Invalid UserInfo", code="invalid_signature", stage="user_info") from error
        # OIDC Core §5.3.2: a signed UserInfo SHOULD carry iss and aud; when present they must be ours.
        if "iss" in claims and claims["iss"] != self.id_token_issuer():
            raise AuthResponseError(self, "UserInfo issuer", code="invalid_claim", stage="user_info")
        audience = claims.get("aud")
        if audience is not None and client_id not in ([audience] if isinstance(audience, str) else audience):
            raise AuthResponseError(self, "UserInfo audience", code="invalid_claim", stage="user_info")
        return claims

    # --- reading the result --------------------------------------------------------------------

    def verified_identity(self, response: dict) -> VerifiedIdentity:
        """Merge the validated ID token and UserInfo into the claims, as the provider reported them."""
        claims = {
            **(self.id_token or {}),
            **{k: v for k, v in response.items() if k not in ("id_token", "access_token")},
        }
        acr = self.reported_acr(claims)
        given_name = self._first(claims, self.GIVEN_NAME_CLAIMS)[:200]
        family_name = self._first(claims, self.FAMILY_NAME_CLAIMS)[:200]
        number = self._first(claims, self.national_number_claims())
        if not (given_name or family_name or number):
            raise MissingClaims(
                self, [*self.GIVEN_NAME_CLAIMS, *self.FAMILY_NAME_CLAIMS, *self.national_number_claims()]
            )
        auth_time = (self.id_token or {}).get("auth_time")
        return VerifiedIdentity(
            provider=self.name,
            subject=str(claims.get("sub", "")),
            acr=acr,
            level=self.level_for(acr),
            given_name=given_name,
            family_name=family_name,
            birth_date=_parse_date(self._first(claims, self.BIRTH_DATE_CLAIMS)),
            national_number=number,
            authenticated_at=(
                datetime.fromtimestamp(auth_time, tz=UTC) if isinstance(auth_time, int) else timezone.now()
            ),
        )

    #: Where the provider reports how the citizen logged in (first found wins).
    ACR_CLAIMS: ClassVar[tuple[str, ...]] = ("acr",)

    def reported_acr(self, claims: dict) -> str:
        """The authentication context the provider says it used (never what we asked for)."""
        for name in self.ACR_CLAIMS:
            value = (self.id_token or {}).get(name, claims.get(name))
            if isinstance(value, list):
                value = next((item for item in value if isinstance(item, str) and self.level_for(item)), "")
            if value:
                return str(value)[:200]
        return ""

    def national_number_claims(self) -> tuple[str, ...]:
        configured = self.setting("NATIONAL_NUMBER_CLAIM", "")
        return ((configured,) if configured else ()) + tuple(self.NATIONAL_NUMBER_CLAIMS)

    @staticmethod
    def _first(claims: dict, names) -> str:
        for name in names:
            value = claims.get(name)
            if value not in (None, ""):
                return str(value).strip()
        return ""


def _audience(value) -> None:
    if not isinstance(value, str | list):
        raise ValueError("aud must be a string or a list")


def _jwe_registry(algorithms) -> JWERegistry:
    """Providers (oidc-provider, and so possibly itsme) copy ``iss`` and ``aud`` into the JWE header
    (RFC 7516 §4.1 allows replicated claims); joserfc refuses unknown header names unless declared."""
    return JWERegistry(
        header_registry={
            "iss": HeaderParameter("Issuer, replicated from the claims", "str"),
            "aud": HeaderParameter("Audience, replicated from the claims", _audience),
        },
        algorithms=list(algorithms),
    )


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
