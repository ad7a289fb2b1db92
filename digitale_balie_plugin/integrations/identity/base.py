"""The contract of an identity backend: what the counter may rely on, and nothing about any vendor.

An identity backend is a python-social-auth backend that *verifies*, never logs in: after the
provider's answer has been validated, it runs the verification pipeline instead of Django's login,
and reports what the provider said as :class:`VerifiedIdentity` — claims only. Parsing, checking and
hashing the national register number is the domain's job (``digitale_balie_plugin.identity``), as is
deciding whether the level suffices for the clerk's request.

The pipeline names domain functions, so it is not written here: the domain hands it in once, with
:meth:`VerificationBackend.use_pipeline` (from ``AppConfig.ready()``); a site may override it per
backend with ``SOCIAL_AUTH_<NAME>_VERIFICATION_PIPELINE``.

The OpenID Connect machinery shared by itsme, FAS and the generic backend lives in ``oidc.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from social_core.backends.open_id_connect import OpenIdConnectAuth
from social_core.exceptions import AuthConfigurationError, AuthResponseError, SocialAuthBaseException

#: Session key where the begin view leaves the verification context for ``get_or_create_state``.
PENDING_KEY = "digitale_balie_pending_verification"


class AssuranceLevel(models.TextChoices):
    """eIDAS levels of assurance, the common scale every provider's ``acr`` is mapped onto.

    The one definition: the models use it for their choices, the backends map onto it.
    """

    LOW = "low", _("Low")
    SUBSTANTIAL = "substantial", _("Substantial")
    HIGH = "high", _("High")


#: The levels' order: a higher number satisfies every lower one.
LEVEL_ORDER = {AssuranceLevel.LOW: 1, AssuranceLevel.SUBSTANTIAL: 2, AssuranceLevel.HIGH: 3}


def level_at_least(level: str | None, required: str) -> bool:
    """``True`` when ``level`` meets ``required``; an unknown level never does."""
    return LEVEL_ORDER.get(level, 0) >= LEVEL_ORDER.get(required, 99)


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a provider told us, as reported: the claims of a validated login.

    ``national_number`` is the claim as the provider sent it, neither normalised nor checked: the
    domain validates and hashes it (and reads the birth date from it when ``birth_date`` is
    ``None``). It is transient: never stored, never logged (hence ``repr=False``).
    """

    provider: str
    subject: str
    acr: str
    level: str | None
    given_name: str = ""
    family_name: str = ""
    birth_date: date | None = None
    national_number: str = field(default="", repr=False)
    authenticated_at: datetime | None = None


class FailedCheck(StrEnum):
    """Which check a failed verification did not pass: the stable name written to the audit log.

    An operator reading ``identity.failed`` must see *what* to fix (our keys, the client registration,
    the clock, an attack?) without a debugger, and a dashboard must be able to count by it; free text
    can do neither. Values never change once released (add new ones instead).
    """

    #: The token endpoint refused our client (HTTP 4xx): client id, secret, keys, algorithms.
    TOKEN_REQUEST = "token_request"  # noqa: S105 - a check name, not a secret
    #: The token endpoint refused the authorization code (``invalid_grant``: replayed, expired, PKCE).
    AUTHORIZATION_CODE = "authorization_code"
    #: The callback's ``state`` is missing or belongs to no login of this browser.
    STATE = "state"
    #: The answer was encrypted with another key-management algorithm than our key is for.
    ENCRYPTION_ALGORITHM = "encryption_algorithm"
    #: The answer could not be decrypted with our key.
    DECRYPTION = "decryption"
    #: The ID token came unencrypted from a provider that must encrypt it (itsme).
    ENCRYPTION_REQUIRED = "encryption_required"
    #: Signed with an algorithm we do not accept (``none``, HMAC, ...).
    SIGNATURE_ALGORITHM = "signature_algorithm"
    #: The signature does not verify with the provider's published keys.
    SIGNATURE = "signature"
    #: Not a token at all, or an answer we cannot parse.
    MALFORMED = "malformed"
    ISSUER = "issuer"
    AUDIENCE = "audience"
    #: ``azp``: another client is the token's authorized party.
    AUTHORIZED_PARTY = "authorized_party"
    EXPIRY = "expiry"
    #: ``iat`` older than the backend's ``ID_TOKEN_MAX_AGE``.
    ISSUED_AT = "issued_at"
    #: ``nbf`` or ``iat`` in the future.
    NOT_YET_VALID = "not_yet_valid"
    NONCE = "nonce"
    AT_HASH = "at_hash"
    #: A claim every ID token must carry (``iss``, ``sub``, ``aud``, ``exp``, ``iat``) is missing.
    REQUIRED_CLAIM = "required_claim"
    #: UserInfo is about another subject than the ID token.
    SUBJECT = "subject"
    #: The answer names nobody (no name, no national number).
    CLAIMS = "claims"
    NATIONAL_NUMBER = "national_number"
    #: The level the provider reports is below the one required.
    LEVEL = "level"
    #: Someone else logged in than the clerk expected.
    EXPECTED_PERSON = "expected_person"


#: social-core's structured error fields (stable since social-core 7: "without parsing messages") → check.
_CHECK_BY_CLAIM = {
    "aud": FailedCheck.AUDIENCE,
    "iss": FailedCheck.ISSUER,
    "exp": FailedCheck.EXPIRY,
    "iat": FailedCheck.ISSUED_AT,
    "azp": FailedCheck.AUTHORIZED_PARTY,
    "at_hash": FailedCheck.AT_HASH,
    "sub": FailedCheck.SUBJECT,
    "nonce": FailedCheck.NONCE,
}
_CHECK_BY_CODE = {
    "missing_claim": FailedCheck.REQUIRED_CLAIM,
    "invalid_claim": FailedCheck.MALFORMED,
    "nonce_mismatch": FailedCheck.NONCE,
    "invalid_signature": FailedCheck.SIGNATURE,
    "response_expired": FailedCheck.EXPIRY,
    "response_not_yet_valid": FailedCheck.NOT_YET_VALID,
    "malformed_response": FailedCheck.MALFORMED,
    "state_mismatch": FailedCheck.STATE,
    "session_context_missing": FailedCheck.STATE,
    "missing_parameter": FailedCheck.STATE,
}


def failed_check(error: BaseException) -> str:
    """The :class:`FailedCheck` an exception of a login stands for, or ``""`` when no check failed (the
    citizen cancelled, the provider could not be reached).

    Our own exceptions say it (``.check``); social-core's are read from their structured ``code`` and
    ``claim`` fields, never from their messages, which are free text.
    """
    check = getattr(error, "check", "")
    if check:
        return str(check)
    if not isinstance(error, SocialAuthBaseException):
        return ""
    if error.code in ("invalid_claim", "response_expired") and error.claim in _CHECK_BY_CLAIM:
        return _CHECK_BY_CLAIM[error.claim]
    return _CHECK_BY_CODE.get(error.code, "")


#: Which part of the provider's answer a check was about (``CheckFailed.where``, in the audit detail).
ID_TOKEN, USERINFO, TOKEN_ENDPOINT = "id_token", "userinfo", "token endpoint"


class CheckFailed(AuthResponseError):
    """The provider's answer failed one named check (:class:`FailedCheck`).

    ``where`` says which part of the answer (``id_token``, ``userinfo``); ``note`` adds what an
    operator needs (e.g. the algorithm that was used), never personal data. An ``AuthResponseError``,
    so a caller that does not know this class still ends the login as an invalid answer.
    """

    def __init__(self, backend, check: FailedCheck, *, where: str, note: str = "", stage: str = ""):
        self.check = FailedCheck(check)
        self.where = where
        self.note = note
        stage = stage or ("user_info" if where == USERINFO else "token_validation")
        super().__init__(backend, f"{where}: {self.check}", note, code="invalid_claim", stage=stage)

    def audit_detail(self) -> str:
        return f"{self.where}: {self.note}" if self.note else self.where


class ProviderRefused(AuthConfigurationError):
    """The token endpoint answered HTTP 4xx: the provider refused *our* client, not the citizen.

    Typical causes are ours to fix: a wrong client id or secret, a key the provider cannot use (an
    encryption key published for another algorithm than the one registered), an algorithm that does
    not match the registration. Trying again does not help, so it must not read as
    "could not be reached" (network errors and 5xx answers). ``invalid_grant`` (the code itself was
    refused) and 429 (slow down) are not refusals of the configuration and never become this.
    """

    check = FailedCheck.TOKEN_REQUEST

    def __init__(self, backend, *, status_code: int, provider_code: str = "", description: str = ""):
        self.description = description
        super().__init__(
            backend,
            description,
            code="invalid_setting",
            stage="token_exchange",
            status_code=status_code,
            provider_code=provider_code or None,
        )

    def audit_detail(self) -> str:
        code = f" {self.provider_code}" if self.provider_code else ""
        text = f": {self.description}" if self.description else ""
        return f"token endpoint HTTP {self.status_code}{code}{text}"


class MissingClaims(AuthResponseError):
    """The provider's answer names nobody: no name and no national number.

    A social-core ``AuthResponseError``, so a caller that does not catch it still ends the login
    as an invalid answer.
    """

    #: Not a token's required claim (``REQUIRED_CLAIM``): the answer names nobody.
    check = FailedCheck.CLAIMS

    def __init__(self, backend, missing: Iterable[str] = ()):
        self.missing = tuple(missing)
        super().__init__(backend, f"Missing claims: {', '.join(self.missing)}", code="missing_claim", stage="user_info")


class VerificationBackend(OpenIdConnectAuth):
    """Base of every identity backend. Subclasses set the class attributes and implement the hooks.

    Lifecycle: the domain's begin view stores the clerk's request under :data:`PENDING_KEY` and
    calls ``start()``; :meth:`get_or_create_state` binds that request to the login's state; on the
    way back social-core validates the answer, then :meth:`do_auth` runs the verification pipeline
    (never Django's ``authenticate()``: no user is created or logged in), whose steps read
    :meth:`verified_identity` and :meth:`verification_context`.
    """

    #: social-core's backend name, in URLs and settings (``SOCIAL_AUTH_<NAME>_...``).
    name = ""
    #: Demo backends work offline and must never run in production (system check W001).
    is_demo = False
    #: Shown on the citizen's button.
    title = _("Log in with your digital key")
    #: ``acr`` value → :class:`AssuranceLevel`. Unknown values count as no level at all.
    ACR_LEVELS: ClassVar[dict[str, str]] = {}
    #: The ``acr`` values we ask for (default: every key of ``ACR_LEVELS``).
    REQUESTED_ACR: ClassVar[tuple[str, ...]] = ()

    _pipeline: ClassVar[tuple[str, ...]] = ()

    # --- what the citizen sees -----------------------------------------------------------------

    @classmethod
    def display_name(cls) -> str:
        return str(cls.title)

    # --- hooks to override ---------------------------------------------------------------------

    def verified_identity(self, response: dict) -> VerifiedIdentity:
        """Override this: the validated answer (ID token and UserInfo) as claims.

        Raise :class:`MissingClaims` when the answer names nobody (no name, no national number).
        """
        raise NotImplementedError

    def check_config(self) -> list[str]:
        """Override this: what is missing for a login to work, as readable lines, without contacting
        the provider (system check E009). Never raise."""
        return [] if self.verification_pipeline() else [_no_pipeline(self)]

    # --- levels --------------------------------------------------------------------------------

    def acr_levels(self) -> dict[str, str]:
        """``ACR_LEVELS``, or ``SOCIAL_AUTH_<NAME>_ACR_LEVELS`` when the operator set it."""
        return dict(self.setting("ACR_LEVELS", None) or self.ACR_LEVELS)

    def level_for(self, acr: str) -> str | None:
        """Our level for ``acr``; URIs compare case-insensitively (itsme has sent ``.../V2/...``)."""
        levels = {key.casefold(): level for key, level in self.acr_levels().items()}
        return levels.get((acr or "").casefold())

    def acr_values_for(self, required: str) -> list[str]:
        """The ``acr`` values that satisfy ``required``, weakest first (least friction for the citizen)."""
        levels = self.acr_levels()
        offered = self.REQUESTED_ACR or tuple(levels)
        good = [acr for acr in offered if level_at_least(levels.get(acr), required)]
        return sorted(good, key=lambda acr: LEVEL_ORDER.get(levels[acr], 0))

    # --- the clerk's request, bound to this browser's login ------------------------------------

    def get_or_create_state(self):
        """Bind the clerk's request (and its level) to this login's state, in this browser's session."""
        state = super().get_or_create_state()
        pending = self.strategy.session_get(PENDING_KEY)
        if state and isinstance(pending, dict):
            key = self.transaction_key(state)
            transaction = self.strategy.session_get(key) or {}
            self.strategy.session_set(key, {**transaction, "balie": pending})
        return state

    def pending_context(self) -> dict:
        return self.strategy.session_get(PENDING_KEY) or {}

    def verification_context(self) -> dict:
        """The clerk's request this callback belongs to (only after the state was validated)."""
        transaction = getattr(self, "_oauth2_transaction", None) or {}
        return transaction.get("balie") or {}

    # --- no login: the verification pipeline ----------------------------------------------------

    @staticmethod
    def use_pipeline(steps: Iterable[str]) -> None:
        """Set the verification pipeline of every backend: dotted paths of python-social-auth pipeline
        steps, the last of which answers with the result page. The domain calls this once, from
        ``AppConfig.ready()``."""
        VerificationBackend._pipeline = tuple(steps)

    def verification_pipeline(self) -> tuple[str, ...]:
        return tuple(self.setting("VERIFICATION_PIPELINE", None) or self._pipeline)

    def do_auth(self, access_token, *args, **kwargs):
        """Like social-core's, but runs the verification pipeline directly instead of Django's
        ``authenticate()``, which would only consult ``AUTHENTICATION_BACKENDS`` (where these
        backends must not be); and there is no user to create or log in."""
        pipeline = self.verification_pipeline()
        if not pipeline:
            raise AuthConfigurationError(
                self, parameter="VERIFICATION_PIPELINE", code="missing_setting", stage="callback"
            )
        data = self.user_data(access_token, *args, **kwargs)
        response = kwargs.get("response") or {}
        response.update(data or {})
        response.setdefault("access_token", access_token)
        kwargs.update({"response": response, "backend": self, "strategy": self.strategy})
        kwargs.pop("user", None)
        return self.pipeline(list(pipeline), *args, **kwargs)


def _no_pipeline(backend: VerificationBackend) -> str:
    return (
        f"{backend.name}: no verification pipeline; the app calls VerificationBackend.use_pipeline() "
        "in AppConfig.ready()."
    )
