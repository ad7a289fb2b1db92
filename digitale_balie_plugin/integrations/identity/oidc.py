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
``..._TOKEN_ENDPOINT_AUTH_METHOD = "private_key_jwt"``, ``..._ENCRYPTION_ALG`` (the one algorithm our
``enc`` key is for: ``RSA-OAEP-256`` or ``RSA-OAEP``; default the key's own ``alg``), ``..._ACR_LEVELS``
(acr → low / substantial / high; default the eIDAS URIs), ``..._NATIONAL_NUMBER_CLAIM``, ``..._EXTRA_SCOPES``.

What fails is reported as a typed exception naming the check (``base.CheckFailed`` with a
``base.FailedCheck``), and a token endpoint that refuses our client (HTTP 4xx) as ``base.ProviderRefused``,
never as "could not be reached".
"""

from __future__ import annotations

import base64
import binascii
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
from joserfc.jwk import KeySet, import_key
from joserfc.registry import HeaderParameter
from social_core.exceptions import AuthConfigurationError, AuthResponseError, SocialAuthBaseException

from digitale_balie_plugin.integrations.identity.base import (
    ID_TOKEN,
    TOKEN_ENDPOINT,
    USERINFO,
    AssuranceLevel,
    CheckFailed,
    FailedCheck,
    MissingClaims,
    ProviderRefused,
    VerificationBackend,
    VerifiedIdentity,
    failed_check,
)

#: eIDAS level-of-assurance URIs, as sent by brokers that speak eIDAS.
EIDAS_ACR = {
    "http://eidas.europa.eu/LoA/low": AssuranceLevel.LOW,
    "http://eidas.europa.eu/LoA/substantial": AssuranceLevel.SUBSTANTIAL,
    "http://eidas.europa.eu/LoA/high": AssuranceLevel.HIGH,
}

#: Key-management algorithms our encryption key may be for (RFC 7518 §4.3, §4.6). Never ``RSA1_5``:
#: it is open to padding-oracle attacks (RFC 8725 §3.2).
ENCRYPTION_ALGORITHMS = ("RSA-OAEP-256", "RSA-OAEP", "ECDH-ES")
#: Content encryption (the JWE ``enc``) the provider may choose.
CONTENT_ENCRYPTION_ALGORITHMS = ("A128CBC-HS256", "A256CBC-HS512", "A128GCM", "A256GCM")


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
    #: The algorithm of an encryption key that names none, unless ``..._ENCRYPTION_ALG`` is set.
    #: RSA-OAEP-256 is what itsme's JOSE guide asks for and what current providers prefer.
    DEFAULT_ENCRYPTION_ALG = "RSA-OAEP-256"
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

    def configured_encryption_alg(self) -> str:
        """``SOCIAL_AUTH_<NAME>_ENCRYPTION_ALG``, or ``""`` when the operator left it to the key."""
        value = self.setting("ENCRYPTION_ALG", None) or ""
        if value and value not in ENCRYPTION_ALGORITHMS:
            raise AuthConfigurationError(self, parameter="ENCRYPTION_ALG", code="invalid_setting", stage="begin")
        return value

    def encryption_keys(self) -> list:
        """Our decryption keys, each labelled (``alg``) with the one algorithm it is for.

        RFC 8725 §3.1: a key is used with exactly one algorithm, and that is checked when it is used;
        so an answer encrypted otherwise is refused, not tried. The algorithm is ``..._ENCRYPTION_ALG``
        when set (it re-labels an existing key, which the provider then reads from our JWKS), else the
        key's own ``alg``, else :attr:`DEFAULT_ENCRYPTION_ALG`. The provider chooses its algorithm from
        our published ``alg``: a key published for RSA-OAEP is useless to a provider registered for
        RSA-OAEP-256 ("no suitable encryption key"), hence the choice.
        """
        configured = self.configured_encryption_alg()
        keys = []
        for key in self.private_keys().keys:
            if key.get("use") not in ("enc", None):
                continue
            label = key.get("alg")
            if key.get("use") is None and label and label not in ENCRYPTION_ALGORITHMS:
                continue  # a key without ``use`` that names a signing algorithm: not for decryption
            alg = configured or label or self.DEFAULT_ENCRYPTION_ALG
            if alg not in ENCRYPTION_ALGORITHMS:
                raise AuthConfigurationError(self, parameter="ENCRYPTION_ALG", code="invalid_setting", stage="begin")
            keys.append(import_key({**key.as_dict(private=True), "alg": alg}))
        return keys

    def public_jwks(self) -> dict:
        """Our public keys, published for the provider (itsme asks for a ``jwks_uri`` at onboarding), the
        ``enc`` key with the algorithm we will decrypt with (:meth:`encryption_keys`)."""
        try:
            keys = self.private_keys().keys
            labels = {key.kid: key.get("alg") for key in self.encryption_keys()}
        except AuthConfigurationError:
            return {"keys": []}
        published = []
        for key in keys:
            public = key.as_dict(private=False)
            if key.get("use") == "enc" and key.kid in labels:
                public["alg"] = labels[key.kid]
            published.append(public)
        return {"keys": published}

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
                problems.extend(self._encryption_problems(name))
        elif not secret:
            problems.append(f"{self.name}: set SOCIAL_AUTH_{name}_SECRET (the client secret).")
        try:
            self.oidc_endpoint()
            self.extra_scopes()
        except AuthConfigurationError as exc:
            problems.append(f"{self.name}: set SOCIAL_AUTH_{name}_{exc.parameter or 'OIDC_ENDPOINT'}.")
        return problems

    def _encryption_problems(self, name: str) -> list[str]:
        try:
            self.encryption_keys()
        except AuthConfigurationError:
            allowed = ", ".join(ENCRYPTION_ALGORITHMS)
            return [
                f"{self.name}: the encryption key's algorithm (SOCIAL_AUTH_{name}_ENCRYPTION_ALG, or the 'alg' of "
                f"the 'enc' key in SOCIAL_AUTH_{name}_PRIVATE_JWKS) must be one of {allowed}."
            ]
        return []

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

    def request_access_token(self, *args, **kwargs):
        """social-core's token request, with the token endpoint's 4xx answers told apart: the provider
        refused our client (:class:`ProviderRefused`) or the code (``invalid_grant``: a failed check).
        Network errors, 5xx and 429 stay social-core's ``AuthProviderError``: "could not be reached"."""
        try:
            return super().request_access_token(*args, **kwargs)
        except SocialAuthBaseException as error:
            refusal = self._token_refusal(error)
            if refusal is None:
                raise
            raise refusal from error

    def _token_refusal(self, error: SocialAuthBaseException) -> SocialAuthBaseException | None:
        status = error.status_code
        if error.stage != "token_exchange" or not isinstance(status, int) or not 400 <= status < 500 or status == 429:
            return None
        if error.provider_code == "invalid_grant":
            return CheckFailed(
                self, FailedCheck.AUTHORIZATION_CODE, where=TOKEN_ENDPOINT, note="invalid_grant", stage="token_exchange"
            )
        return ProviderRefused(
            self, status_code=status, provider_code=str(error.provider_code or ""), description=error.detail[:300]
        )

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

    def _decrypt(self, token: str, where: str) -> str:
        """Open a JWE addressed to us, with the algorithm our key is for and no other (see
        :meth:`encryption_keys`); the key the header names is tried first."""
        header = _jwe_header(token)
        if not header:
            raise CheckFailed(self, FailedCheck.MALFORMED, where=where, note="JWE header")
        alg, enc = header.get("alg"), header.get("enc")
        keys = [key for key in self.encryption_keys() if key.get("alg") == alg]
        if not keys:
            ours = ", ".join(sorted({key.get("alg") for key in self.encryption_keys()})) or "none"
            raise CheckFailed(self, FailedCheck.ENCRYPTION_ALGORITHM, where=where, note=f"alg {alg}, our key: {ours}")
        if enc not in CONTENT_ENCRYPTION_ALGORITHMS:
            raise CheckFailed(self, FailedCheck.ENCRYPTION_ALGORITHM, where=where, note=f"enc {enc}")
        keys.sort(key=lambda key: key.kid != header.get("kid"))
        registry = _jwe_registry((alg, enc))
        for key in keys:
            try:
                return jwe.decrypt_compact(token, key, registry=registry).plaintext.decode()
            except (JoseError, ValueError, KeyError):
                continue
        raise CheckFailed(self, FailedCheck.DECRYPTION, where=where, note=f"kid {header.get('kid')}")

    def validate_and_return_id_token(self, id_token, access_token):
        """Decrypt (when required, refuse the plain token), check the algorithm, then social-core's checks;
        whatever fails is raised as :class:`CheckFailed` naming the check."""
        if isinstance(id_token, str) and id_token.count(".") == 4:
            id_token = self._decrypt(id_token, ID_TOKEN)
        elif self.REQUIRE_ENCRYPTED_ID_TOKEN or self.setting("REQUIRE_ENCRYPTED_ID_TOKEN", False):
            raise CheckFailed(self, FailedCheck.ENCRYPTION_REQUIRED, where=ID_TOKEN)
        self._check_algorithm(id_token, ID_TOKEN)
        try:
            return super().validate_and_return_id_token(id_token, access_token)
        except CheckFailed:
            raise
        except AuthResponseError as error:
            check = failed_check(error) or FailedCheck.MALFORMED
            raise CheckFailed(self, check, where=ID_TOKEN, note=error.detail[:120]) from error

    def _check_algorithm(self, token: str, where: str) -> None:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as error:
            raise CheckFailed(self, FailedCheck.MALFORMED, where=where) from error
        if algorithm not in self.JWT_ALGORITHMS:
            raise CheckFailed(self, FailedCheck.SIGNATURE_ALGORITHM, where=where, note=f"alg {algorithm}")

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
                raise CheckFailed(self, FailedCheck.MALFORMED, where=USERINFO) from error
        else:
            data = self._userinfo_jwt(response.text.strip())
        if not isinstance(data, dict):
            raise CheckFailed(self, FailedCheck.MALFORMED, where=USERINFO)
        return self.validate_userinfo_sub(data)

    def validate_userinfo_sub(self, userinfo):
        try:
            return super().validate_userinfo_sub(userinfo)
        except AuthResponseError as error:
            raise CheckFailed(self, FailedCheck.SUBJECT, where=USERINFO) from error

    def _userinfo_jwt(self, token: str) -> dict:
        if token.count(".") == 4:
            token = self._decrypt(token, USERINFO)
        self._check_algorithm(token, USERINFO)
        try:
            key = self.find_valid_key(token)
        except jwt.PyJWTError as error:
            raise CheckFailed(self, FailedCheck.MALFORMED, where=USERINFO) from error
        if not key:
            raise CheckFailed(self, FailedCheck.SIGNATURE, where=USERINFO)
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
            raise CheckFailed(self, FailedCheck.SIGNATURE, where=USERINFO) from error
        # OIDC Core §5.3.2: a signed UserInfo SHOULD carry iss and aud; when present they must be ours.
        if "iss" in claims and claims["iss"] != self.id_token_issuer():
            raise CheckFailed(self, FailedCheck.ISSUER, where=USERINFO)
        audience = claims.get("aud")
        if audience is not None and client_id not in ([audience] if isinstance(audience, str) else audience):
            raise CheckFailed(self, FailedCheck.AUDIENCE, where=USERINFO)
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


def _jwe_header(token: str) -> dict:
    """The protected header of a compact JWE, read before choosing a key (``{}`` when unreadable)."""
    encoded = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return header if isinstance(header, dict) else {}


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
