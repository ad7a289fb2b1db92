"""Identity backends: one contract every verification backend's tests inherit, then each backend's cases.

What the counter relies on from a backend (``identity.pipeline``, ``views.identity``, the status page):
a stable ``name`` and a title for the citizen's button; the provider's claims mapped onto
:class:`VerifiedIdentity` *as reported* (the national number untouched: the domain parses and hashes
it); the provider's ``acr`` mapped onto :class:`AssuranceLevel`; an answer that names nobody refused with
:class:`MissingClaims`; configuration problems and the status page's lines as readable text. Offline:
the discovery document and key set of the status check are faked with ``responses``; the full login
against a real OpenID Connect provider is in ``test_oidc_harness.py`` and ``tests/identity``.
"""

from datetime import date

import pytest
import requests
import responses
from django.test import override_settings
from social_core.exceptions import AuthConfigurationError, AuthProviderError
from social_django.utils import load_strategy

from digitale_balie_plugin.integrations.identity.base import (
    LEVEL_ORDER,
    AssuranceLevel,
    CheckFailed,
    FailedCheck,
    MissingClaims,
    ProviderRefused,
    VerificationBackend,
    VerifiedIdentity,
    failed_check,
    level_at_least,
)
from digitale_balie_plugin.integrations.identity.demo import DemoIdentityBackend
from digitale_balie_plugin.integrations.identity.fas import FAS_ENDPOINTS, FasBackend
from digitale_balie_plugin.integrations.identity.itsme import ITSME_ENDPOINTS, NATIONAL_NUMBER_CLAIM, ItsmeBackend
from digitale_balie_plugin.integrations.identity.oidc import OIDCVerificationBackend
from digitale_balie_plugin.integrations.identity.registry import get_identity_providers, identity_provider_for
from digitale_balie_plugin.integrations.identity.status import check_backend
from tests.oidc.harness import generate_client_keys

#: As a provider may send it: with dots and a dash. The backend must pass it on unchanged.
REPORTED_NUMBER = "85.04.12-123.69"
PIPELINE = ("tests.integrations.identity.test_identity_contract.step",)
TOKEN_URL = "https://idp.test.example/token"
PRIVATE_JWKS, _PUBLIC_JWKS = generate_client_keys()


def step(*args, **kwargs):
    """A pipeline step for ``use_pipeline``: never run here (no login happens in these tests)."""


def _path(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class IdentityBackendContract:
    """What every verification backend must offer. Subclasses set the class attributes."""

    backend_class: type[VerificationBackend] = VerificationBackend
    #: The ``SOCIAL_AUTH_<NAME>_*`` settings a working configuration needs (without the prefix).
    settings: dict = {}
    #: Where this provider reports names, birth date, national number and ``acr``.
    given_name_claim = "given_name"
    family_name_claim = "family_name"
    birth_date_claim = "birthdate"
    national_number_claim = ""
    strongest_acr = ""
    endpoint = ""

    # -- helpers ------------------------------------------------------------------------------------

    def prefix(self) -> str:
        return "SOCIAL_AUTH_" + self.backend_class.name.upper().replace("-", "_") + "_"

    def configured(self, **overrides):
        values = {self.prefix() + key: value for key, value in {**self.settings, **overrides}.items()}
        return override_settings(SOCIAL_AUTH_AUTHENTICATION_BACKENDS=[_path(self.backend_class)], **values)

    def backend(self) -> VerificationBackend:
        return self.backend_class(load_strategy())

    def claims(self, **overrides) -> dict:
        values = {
            "sub": "pairwise-1",
            "acr": self.strongest_acr,
            self.given_name_claim: "Jan",
            self.family_name_claim: "Peeters",
        }
        if self.birth_date_claim:
            values[self.birth_date_claim] = "1985-04-12"
        if self.national_number_claim:
            values[self.national_number_claim] = REPORTED_NUMBER
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    def identity(self, **overrides) -> VerifiedIdentity:
        with self.configured():
            backend = self.backend()
            backend.id_token = {"sub": "pairwise-1", "auth_time": 1_796_000_000}
            return backend.verified_identity(self.claims(**overrides))

    @pytest.fixture(autouse=True)
    def _pipeline(self):
        before = VerificationBackend._pipeline
        VerificationBackend.use_pipeline(PIPELINE)
        yield
        VerificationBackend._pipeline = before

    # -- name and title -------------------------------------------------------------------------------

    def test_has_a_name_and_a_title(self):
        assert self.backend_class.name.startswith("balie-")
        assert isinstance(self.backend_class.display_name(), str) and self.backend_class.display_name()

    def test_is_found_by_name_when_configured(self):
        with self.configured():
            assert get_identity_providers() == [self.backend_class]
            assert identity_provider_for(self.backend_class.name) is self.backend_class
            assert identity_provider_for("balie-nobody") is None

    # -- claims -> dataclass --------------------------------------------------------------------------

    def test_maps_the_claims_onto_a_verified_identity(self):
        identity = self.identity()
        assert isinstance(identity, VerifiedIdentity)
        assert (identity.provider, identity.subject) == (self.backend_class.name, "pairwise-1")
        assert (identity.given_name, identity.family_name) == ("Jan", "Peeters")
        if self.birth_date_claim:
            assert identity.birth_date == date(1985, 4, 12)
        assert identity.authenticated_at.timestamp() == 1_796_000_000

    def test_reports_the_national_number_as_sent(self):
        if not self.national_number_claim:
            pytest.skip("this provider reports no national number by default")
        identity = self.identity()
        assert identity.national_number == REPORTED_NUMBER  # parsing and hashing are the domain's job
        assert REPORTED_NUMBER not in repr(identity)

    def test_a_name_alone_is_enough(self):
        identity = self.identity(**{self.national_number_claim or "unused": None})
        assert identity.national_number == "" and identity.family_name == "Peeters"

    def test_refuses_an_answer_that_names_nobody(self):
        missing = {self.given_name_claim: None, self.family_name_claim: None}
        if self.national_number_claim:
            missing[self.national_number_claim] = None
        with pytest.raises(MissingClaims) as raised:
            self.identity(**missing)
        assert self.family_name_claim in raised.value.missing
        assert failed_check(raised.value) == FailedCheck.CLAIMS

    # -- level of assurance ---------------------------------------------------------------------------

    def test_maps_its_strongest_acr_to_high(self):
        assert self.identity().level == AssuranceLevel.HIGH
        assert self.identity().acr == self.strongest_acr

    def test_an_unknown_acr_is_no_level(self):
        identity = self.identity(acr="urn:example:password")
        assert identity.level is None and identity.acr == "urn:example:password"

    def test_every_acr_maps_onto_the_common_scale(self):
        with self.configured():
            levels = self.backend().acr_levels()
        assert levels and set(levels.values()) <= set(LEVEL_ORDER)

    def test_asks_only_for_acr_values_that_satisfy_the_request(self):
        with self.configured():
            backend = self.backend()
            wanted = backend.acr_values_for(AssuranceLevel.HIGH)
            assert wanted and self.strongest_acr in wanted
            assert all(backend.level_for(acr) == AssuranceLevel.HIGH for acr in wanted)

    # -- configuration and status ---------------------------------------------------------------------

    def test_check_config_is_empty_when_configured(self):
        with self.configured():
            assert self.backend().check_config() == []

    def test_check_config_names_the_missing_client_id(self):
        with self.configured(KEY=None):
            problems = self.backend().check_config()
        assert any(f"{self.prefix()}KEY" in problem for problem in problems)

    def test_check_config_reports_a_missing_pipeline(self):
        VerificationBackend.use_pipeline(())
        with self.configured():
            problems = self.backend().check_config()
        assert any("pipeline" in problem for problem in problems)

    def test_the_status_check_reads_the_discovery_document(self):
        endpoint = self.endpoint.rstrip("/")
        discovery = {
            "issuer": endpoint,
            "jwks_uri": f"{endpoint}/jwks",
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
            "acr_values_supported": [self.strongest_acr],
        }
        with self.configured(), responses.RequestsMock() as mock:
            mock.add(responses.GET, f"{endpoint}/.well-known/openid-configuration", json=discovery)
            mock.add(responses.GET, f"{endpoint}/jwks", json={"keys": [{"kty": "RSA", "kid": "1"}]})
            lines = check_backend(self.backend_class)
        assert lines and all(line.ok is not False for line in lines), lines

    # -- the token endpoint: refused versus unreachable ------------------------------------------------

    def exchange(self, **answer):
        """Our token request, answered by ``answer`` (``responses`` keywords) at the HTTP boundary."""
        with self.configured(), responses.RequestsMock() as mock:
            mock.add(responses.POST, TOKEN_URL, **answer)
            return self.backend().request_access_token(TOKEN_URL, method="POST", data={"code": "c"})

    @pytest.mark.parametrize(
        ("status", "body"),
        [
            (400, {"error": "invalid_client_metadata", "error_description": "no suitable encryption key found"}),
            (401, {"error": "invalid_client", "error_description": "client authentication failed"}),
            (400, {"error": "invalid_request"}),
            (403, None),
        ],
    )
    def test_a_4xx_from_the_token_endpoint_is_a_refusal_of_our_client(self, status, body):
        with pytest.raises(ProviderRefused) as raised:
            self.exchange(status=status, json=body) if body else self.exchange(status=status, body="Forbidden")
        refusal = raised.value
        assert refusal.status_code == status and failed_check(refusal) == FailedCheck.TOKEN_REQUEST
        detail = refusal.audit_detail()
        assert detail.startswith(f"token endpoint HTTP {status}")
        if body:
            assert body["error"] in detail and body.get("error_description", "") in detail

    @pytest.mark.parametrize(
        "answer",
        [
            {"status": 500, "json": {"error": "server_error"}},
            {"status": 503, "body": "down"},
            {"status": 429, "json": {"error": "slow_down"}},
            {"body": requests.ConnectionError("refused")},
            {"body": requests.Timeout("slow")},
        ],
    )
    def test_network_errors_5xx_and_429_stay_unreachable(self, answer):
        with pytest.raises(AuthProviderError) as raised:
            self.exchange(**answer)
        assert not isinstance(raised.value, ProviderRefused) and failed_check(raised.value) == ""

    def test_a_refused_code_is_a_failed_check_not_a_refusal_of_the_client(self):
        with pytest.raises(CheckFailed) as raised:
            self.exchange(status=400, json={"error": "invalid_grant", "error_description": "grant request is invalid"})
        assert raised.value.check == FailedCheck.AUTHORIZATION_CODE

    def test_the_status_check_says_why_when_the_provider_is_down(self):
        endpoint = self.endpoint.rstrip("/")
        with self.configured(), responses.RequestsMock() as mock:
            mock.add(responses.GET, f"{endpoint}/.well-known/openid-configuration", status=503)
            lines = check_backend(self.backend_class)
        assert lines[-1].ok is False and "503" in lines[-1].detail


def test_levels_are_ordered():
    assert level_at_least(AssuranceLevel.HIGH, AssuranceLevel.SUBSTANTIAL)
    assert level_at_least(AssuranceLevel.SUBSTANTIAL, AssuranceLevel.SUBSTANTIAL)
    assert not level_at_least(AssuranceLevel.LOW, AssuranceLevel.SUBSTANTIAL)
    assert not level_at_least(None, AssuranceLevel.LOW) and not level_at_least("unknown", AssuranceLevel.LOW)


def test_without_a_pipeline_no_login_is_completed():
    """The domain hands the pipeline in (``use_pipeline``); without it ``do_auth`` refuses to run."""
    before = VerificationBackend._pipeline
    VerificationBackend.use_pipeline(())
    try:
        with override_settings(SOCIAL_AUTH_BALIE_OIDC_OIDC_ENDPOINT="https://idp.example"):
            backend = OIDCVerificationBackend(load_strategy())
            assert backend.verification_pipeline() == ()
            with pytest.raises(AuthConfigurationError) as raised:
                backend.do_auth("access-token")
        assert raised.value.parameter == "VERIFICATION_PIPELINE"
    finally:
        VerificationBackend._pipeline = before


class TestItsme(IdentityBackendContract):
    backend_class = ItsmeBackend
    settings = {"KEY": "partner-code", "SERVICE_CODE": "BALIE", "PRIVATE_JWKS": PRIVATE_JWKS}
    national_number_claim = NATIONAL_NUMBER_CLAIM
    strongest_acr = "http://itsme.services/v2/claim/acr_advanced"
    endpoint = ITSME_ENDPOINTS["e2e"]

    def test_compares_acr_case_insensitively(self):
        assert self.identity(acr=self.strongest_acr.replace("/v2/", "/V2/")).level == AssuranceLevel.HIGH


class TestDemo(TestItsme):
    backend_class = DemoIdentityBackend
    settings = {"KEY": "digitale-balie-demo", "OIDC_ENDPOINT": "https://idp.demo.example", "PRIVATE_JWKS": PRIVATE_JWKS}
    endpoint = "https://idp.demo.example"

    def test_is_a_demo(self):
        assert DemoIdentityBackend.is_demo and not ItsmeBackend.is_demo


class TestFas(IdentityBackendContract):
    backend_class = FasBackend
    settings = {"KEY": "client-from-bosa", "SECRET": "secret-from-bosa"}
    given_name_claim = "givenName"
    family_name_claim = "surname"
    birth_date_claim = ""  # FAS sends none: the domain reads it from the national number
    national_number_claim = "egovNRN"
    strongest_acr = "urn:be:fedict:iam:fas:Level500"
    endpoint = FAS_ENDPOINTS["int"]

    def test_reports_no_birth_date_when_none_is_sent(self):
        assert self.identity().birth_date is None


class TestGenericOidc(IdentityBackendContract):
    backend_class = OIDCVerificationBackend
    settings = {
        "KEY": "balie",
        "SECRET": "client-secret",
        "OIDC_ENDPOINT": "https://broker.example/realms/eidas",
        "NATIONAL_NUMBER_CLAIM": "national_number",
    }
    national_number_claim = "national_number"
    strongest_acr = "http://eidas.europa.eu/LoA/high"
    endpoint = "https://broker.example/realms/eidas"

    def test_the_operator_may_map_acr_values(self):
        with self.configured(ACR_LEVELS={"urn:broker:strong": AssuranceLevel.HIGH}):
            assert self.backend().level_for("urn:broker:strong") == AssuranceLevel.HIGH
