"""CRM providers: one contract every provider's tests inherit, then each provider's own cases.

The webhook CRM is checked at the HTTP boundary (``responses``) against what docs/developer.md
promises integrators: a JSON body, ``Idempotency-Key``, ``X-Balie-Signature: t=<unix>,v1=<hex HMAC-SHA256
of "<t>." + body>``; 2xx is taken (with an optional ``reference``), 408/429/5xx and no answer mean
"try again" (``CrmError``), any other 4xx means "never" (``CrmRejected``).
"""

import hashlib
import hmac
import json

import pytest
import requests
import responses
from django.test import override_settings

from digitale_balie_plugin.integrations.crm.base import CrmError, CrmProvider, CrmRejected, CrmResult
from digitale_balie_plugin.integrations.crm.demo import DemoCrmProvider
from digitale_balie_plugin.integrations.crm.registry import crm_provider_for, get_crm_provider, registry
from digitale_balie_plugin.integrations.crm.webhook import SIGNATURE_HEADER, WebhookCrmProvider

RECORD = {
    "service": "Identiteitskaart",
    "channel": "video",
    "started_at": "2026-12-07T09:00:00+01:00",
    "outcome": "completed",
    "notes": "Aanvraag doorgestuurd.",
}
KEY = "case-7f3a9c1e2b4d"
URL = "https://crm.example/hooks/balie"
SECRET = "s" * 40


class CrmProviderContract:
    """What every CRM provider must do (``cases.service`` and the retry task rely on it)."""

    identifier = ""
    options: dict = {}

    def provider(self) -> CrmProvider:
        with override_settings(DIGITALE_BALIE={"CRM": {"BACKEND": self.identifier, "OPTIONS": self.options}}):
            return get_crm_provider()

    def accepting(self):
        """Override this: a context in which the CRM takes the record (an HTTP mock, or nothing)."""
        return _Nothing()

    def test_registered_under_its_id(self):
        assert registry.get_class(self.identifier).identifier == self.identifier

    def test_the_accessors_agree(self):
        with override_settings(DIGITALE_BALIE={"CRM": {"BACKEND": self.identifier, "OPTIONS": self.options}}):
            assert crm_provider_for(self.identifier).identifier == self.identifier
            assert crm_provider_for("no-such-crm") is None

    def test_register_returns_a_result_with_a_short_reference(self):
        with self.accepting():
            result = self.provider().register(RECORD, idempotency_key=KEY)
        assert isinstance(result, CrmResult)
        assert isinstance(result.reference, str) and len(result.reference) <= 100

    def test_the_same_key_twice_gives_the_same_reference(self):
        with self.accepting():
            first = self.provider().register(RECORD, idempotency_key=KEY)
            second = self.provider().register(RECORD, idempotency_key=KEY)
        assert first == second

    def test_check_config_never_raises_and_returns_text(self):
        problems = self.provider().check_config()
        assert isinstance(problems, list) and all(isinstance(problem, str) for problem in problems)

    def test_errors_carry_a_message_for_people(self):
        assert str(CrmError().message) and str(CrmRejected().message)
        assert issubclass(CrmRejected, CrmError)  # a caller that retries on CrmError must check CrmRejected first


class _Nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class TestDemoCrm(CrmProviderContract):
    identifier = "demo"

    def test_is_the_default_and_a_demo(self):
        with override_settings(DIGITALE_BALIE={}):
            provider = get_crm_provider()
        assert isinstance(provider, DemoCrmProvider) and provider.is_demo


# --- the webhook CRM -------------------------------------------------------------------------------


def _answer(status=200, body=None):
    mock = responses.RequestsMock()
    mock.add(responses.POST, URL, status=status, json=body if body is not None else {"reference": "CRM-0042"})
    return mock


class TestWebhookCrm(CrmProviderContract):
    identifier = "webhook"
    options = {"URL": URL, "SECRET": SECRET}

    def accepting(self):
        return _answer()

    def test_posts_the_record_as_json_with_the_idempotency_key(self):
        with _answer() as mock:
            result = self.provider().register(RECORD, idempotency_key=KEY)
            request = mock.calls[0].request
        assert json.loads(request.body) == RECORD
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["Idempotency-Key"] == KEY
        assert result.reference == "CRM-0042"

    def test_the_signature_is_hmac_sha256_of_timestamp_dot_body(self):
        with _answer() as mock:
            self.provider().register(RECORD, idempotency_key=KEY)
            request = mock.calls[0].request
        fields = dict(part.split("=", 1) for part in request.headers[SIGNATURE_HEADER].split(","))
        expected = hmac.new(SECRET.encode(), f"{fields['t']}.".encode() + request.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(fields["v1"], expected)

    def test_a_sites_own_address_wins(self):
        other = "https://crm.other.example/in"
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, other, json={})
            assert self.provider().register(RECORD, idempotency_key=KEY, url=other).reference == ""

    def test_an_answer_without_json_is_taken_without_reference(self):
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, URL, status=204)
            assert self.provider().register(RECORD, idempotency_key=KEY) == CrmResult(reference="")

    @pytest.mark.parametrize("status", [408, 429, 500, 503])
    def test_temporary_failures_ask_for_a_retry(self, status):
        with _answer(status, {}), pytest.raises(CrmError) as raised:
            self.provider().register(RECORD, idempotency_key=KEY)
        assert not isinstance(raised.value, CrmRejected)

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
    def test_other_client_errors_are_final(self, status):
        with _answer(status, {}), pytest.raises(CrmRejected):
            self.provider().register(RECORD, idempotency_key=KEY)

    @pytest.mark.parametrize("error", [requests.ConnectTimeout(), requests.ConnectionError(), requests.ReadTimeout()])
    def test_no_answer_asks_for_a_retry(self, error):
        with responses.RequestsMock() as mock:
            mock.add(responses.POST, URL, body=error)
            with pytest.raises(CrmError):
                self.provider().register(RECORD, idempotency_key=KEY)

    def test_check_config_names_the_settings(self):
        problems = WebhookCrmProvider({"URL": "http://crm.example/", "SECRET": "short"}).check_config()
        assert any('["CRM"]["OPTIONS"]["SECRET"]' in problem for problem in problems)
        assert any('["CRM"]["OPTIONS"]["URL"]' in problem for problem in problems)
        assert self.provider().check_config() == []

    @pytest.mark.parametrize(
        "url, allowed",
        [
            ("http://127.0.0.1:8080/cases", True),  # a connector on the same machine: nothing crosses a network
            ("http://[::1]/cases", True),
            ("http://localhost/cases", True),
            ("http://10.0.0.5/cases", False),
            ("http://127.0.0.1.evil.example/cases", False),
            ("ftp://127.0.0.1/cases", False),
            ("https:///cases", False),
        ],
    )
    def test_plain_http_only_to_this_machine(self, url, allowed):
        problems = WebhookCrmProvider({"URL": url, "SECRET": "s" * 32}).check_config()
        assert (problems == []) is allowed, problems
