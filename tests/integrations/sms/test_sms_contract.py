"""SMS providers: one contract every provider's tests inherit, then each provider's own cases.

Twilio is checked at the HTTP boundary (``responses``) against its documented Programmable
Messaging API, and its callback signatures against Twilio's published test vectors and an
independent re-implementation of the documented algorithm, so a self-consistent but wrong
implementation cannot pass.
"""

import base64
import hashlib
import hmac
import json
import logging
from urllib.parse import parse_qs, urlencode

import pytest
import requests
import responses
from django.http import QueryDict
from django.test import RequestFactory, override_settings
from django.utils.functional import Promise

from digitale_balie_plugin.exceptions import ConfigurationError, IntegrationError
from digitale_balie_plugin.integrations.sms.base import (
    DeliveryReport,
    DeliveryStatus,
    InvalidCallback,
    SmsError,
    SmsMessage,
    SmsProvider,
    SmsRejected,
    SmsResult,
    format_phone_number,
    normalize_phone_number,
)
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider, sign_demo_report
from digitale_balie_plugin.integrations.sms.registry import get_sms_provider, registry
from digitale_balie_plugin.integrations.sms.twilio import TwilioProvider, compute_signature

MESSAGE = SmsMessage(
    to="+32470123456",
    body="Herinnering: afspraak Identiteitskaart op 03/12 om 10:00. Referentie AB12CD.",
    reference="42:reminder:sms:20261203T0900",
)
CALLBACK_PATH = "/digitale-balie/callbacks/sms/{}/"
CALLBACK_URL = "https://balie.gent.example" + CALLBACK_PATH


def form_post(path, fields, *, secure=False, **headers):
    """A POST as gateways send it: ``application/x-www-form-urlencoded``, not multipart."""
    return RequestFactory().post(
        path, urlencode(fields), content_type="application/x-www-form-urlencoded", secure=secure, **headers
    )


class SmsProviderContract:
    """What every SMS provider must do. Inherit it, set the attributes, implement the hooks.

    The contract stays at the level callers rely on (the notification service, the webhook
    view): a registered id, construction from settings, ``send`` returning an ``SmsResult``,
    authentic reports parsed, every inauthentic or malformed one refused, ``check_config``
    offline. Vendor details (HTTP requests, error codes) belong in the provider's own class.
    """

    #: The registry id the provider is stored under.
    identifier: str = ""
    #: Complete, valid options for the provider.
    options: dict = {}
    #: The callback field holding the status, to prove the signature covers it.
    status_field: str = ""

    def report_fields(self, message_id: str, status: str) -> dict[str, str]:
        """Override this: the callback's form fields for ``message_id`` in the gateway's ``status``."""
        raise NotImplementedError

    def sign(self, fields: dict[str, str], url: str) -> str:
        """Override this: the valid signature for ``fields`` posted to ``url``, computed by the test."""
        raise NotImplementedError

    def report_request(self, fields: dict[str, str], signature: str | None):
        """Override this: the callback request, with ``signature`` where the gateway puts it
        (``None``: left out entirely)."""
        raise NotImplementedError

    def native_status(self, status: DeliveryStatus) -> str:
        """Override this when the gateway names a status differently from ours."""
        return status.value

    def signed_report(self, message_id: str, status: str):
        fields = self.report_fields(message_id, status)
        return self.report_request(fields, self.sign(fields, self.callback_url()))

    def callback_url(self) -> str:
        return "http://testserver" + CALLBACK_PATH.format(self.identifier)

    @pytest.fixture
    def provider(self):
        return registry.get_class(self.identifier)(self.options)

    def test_is_registered_under_its_id(self, provider):
        assert registry.get_class(self.identifier) is type(provider)
        assert isinstance(provider, SmsProvider) and provider.identifier == self.identifier
        assert provider.kind == "SMS" and str(provider.verbose_name)

    def test_is_chosen_in_settings_with_its_options(self):
        with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": self.identifier, "OPTIONS": self.options}}):
            provider = get_sms_provider()
        assert type(provider) is registry.get_class(self.identifier) and provider.options == self.options

    @pytest.mark.parametrize("callback", [True, False], ids=["with-callback", "without-callback"])
    def test_send_returns_a_result_with_an_id(self, provider, callback):
        url = CALLBACK_URL.format(self.identifier) if callback else None
        result = provider.send(MESSAGE, status_callback_url=url)
        assert isinstance(result, SmsResult) and isinstance(result.provider_message_id, str)
        assert result.provider_message_id and isinstance(result.status, DeliveryStatus)

    @pytest.mark.parametrize("status", list(DeliveryStatus))
    def test_a_signed_report_parses(self, provider, status):
        report = provider.parse_delivery_report(self.signed_report("MSG-1", self.native_status(status)))
        assert isinstance(report, DeliveryReport)
        assert (report.provider_message_id, report.status) == ("MSG-1", status)

    def test_a_report_without_signature_is_refused(self, provider):
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.report_request(self.report_fields("MSG-1", "delivered"), None))

    @pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "0" * 64, "é" * 28], ids=repr)
    def test_a_forged_signature_is_refused(self, provider, signature):
        fields = self.report_fields("MSG-1", "delivered")
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.report_request(fields, signature))

    def test_the_signature_covers_the_status(self, provider):
        fields = self.report_fields("MSG-1", "failed")
        signature = self.sign(fields, self.callback_url())
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.report_request({**fields, self.status_field: "delivered"}, signature))

    def test_a_signed_report_without_id_is_malformed(self, provider):
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.signed_report("", "delivered"))

    def test_check_config_is_offline_and_empty_when_configured(self, provider, monkeypatch):
        def no_network(*args, **kwargs):
            raise AssertionError("check_config must not make HTTP requests")

        monkeypatch.setattr(requests.Session, "request", no_network)
        assert provider.check_config() == []


class TestDemoSmsProvider(SmsProviderContract):
    identifier = "demo"
    options = {}
    status_field = "status"

    def report_fields(self, message_id, status):
        return {"id": message_id, "status": status}

    def sign(self, fields, url):
        return sign_demo_report(fields["id"], fields["status"])

    def report_request(self, fields, signature):
        extra = {} if signature is None else {"signature": signature}
        return form_post(CALLBACK_PATH.format("demo"), {**fields, **extra})

    def test_messages_are_recorded_in_order_across_instances_and_cleared(self):
        other = SmsMessage(to="+31612345678", body="Tweede", reference="43:reminder:sms")
        DemoSmsProvider().send(MESSAGE)
        DemoSmsProvider().send(other)
        assert DemoSmsProvider.outbox == [MESSAGE, other]
        DemoSmsProvider.clear()
        assert DemoSmsProvider.outbox == []

    def test_messages_are_logged_and_get_unique_ids(self, provider, caplog):
        with caplog.at_level(logging.INFO, logger="digitale_balie.sms"):
            results = {provider.send(MESSAGE) for _ in range(3)}
        assert len({result.provider_message_id for result in results}) == 3
        assert {result.status for result in results} == {DeliveryStatus.SENT}
        assert MESSAGE.body in caplog.text and MESSAGE.to in caplog.text

    def test_a_number_that_is_not_e164_is_rejected_like_a_gateway_would(self, provider):
        with pytest.raises(SmsRejected):
            provider.send(SmsMessage(to="0470 12 34 56", body="x", reference="r"))
        assert DemoSmsProvider.outbox == []

    def test_a_report_names_the_reference_of_the_message(self, provider):
        sent = provider.send(MESSAGE)
        report = provider.parse_delivery_report(self.signed_report(sent.provider_message_id, "delivered"))
        assert report.reference == MESSAGE.reference

    def test_a_signed_report_with_an_unknown_status_is_malformed(self, provider):
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.signed_report("MSG-1", "teleported"))

    def test_the_signature_is_a_salted_hmac_sha256_of_the_secret_key(self):
        """Written out, so a developer can simulate a report with curl; and it changes with the key."""
        with override_settings(SECRET_KEY="k" * 50):
            key = hashlib.sha256(("digitale_balie.sms.demo.report" + "k" * 50).encode()).digest()
            expected = hmac.new(key, json.dumps(["MSG-1", "delivered"]).encode(), hashlib.sha256).hexdigest()
            assert sign_demo_report("MSG-1", "delivered") == expected
        assert sign_demo_report("MSG-1", "delivered") != expected


ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f" * 32
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def twilio_message(**changes):
    """A 201 answer of the Message resource, as documented (abridged to the usual fields)."""
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": MESSAGE.body,
        "date_created": "Wed, 02 Dec 2026 09:00:00 +0000",
        "date_sent": None,
        "date_updated": "Wed, 02 Dec 2026 09:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+3225550000",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": "SM" + "a" * 32,
        "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/SM{'a' * 32}/Media.json"},
        "to": MESSAGE.to,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/SM{'a' * 32}.json",
        **changes,
    }


def twilio_error(status, code, message):
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def twilio_signature(token, url, fields):
    """Twilio's documented algorithm, written out again so the test does not trust the code under test."""
    data = url + "".join(name + fields[name] for name in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1).digest()).decode()


class TestTwilioProvider(SmsProviderContract):
    identifier = "twilio"
    options = {"ACCOUNT_SID": ACCOUNT_SID, "AUTH_TOKEN": AUTH_TOKEN, "FROM": "+3225550000"}
    status_field = "MessageStatus"

    @pytest.fixture(autouse=True)
    def http(self):
        """Twilio's API, faked at the HTTP boundary; by default it accepts the message."""
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
            yield mock

    def report_fields(self, message_id, status):
        """What Twilio posts to a StatusCallback for an outbound SMS."""
        return {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "From": "+3225550000",
            "MessageSid": message_id,
            "MessageStatus": status,
            "SmsSid": message_id,
            "SmsStatus": status,
            "To": MESSAGE.to,
        }

    def sign(self, fields, url):
        return twilio_signature(AUTH_TOKEN, url, fields)

    def report_request(self, fields, signature, **kwargs):
        headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
        return form_post(CALLBACK_PATH.format("twilio"), fields, **kwargs, **headers)

    def provider_with(self, **changes):
        return TwilioProvider({**self.options, **changes})

    # -- sending -------------------------------------------------------------------------------

    def test_the_request_is_the_documented_one(self, http):
        result = self.provider_with().send(MESSAGE, status_callback_url=CALLBACK_URL.format("twilio"))

        [call] = http.calls
        assert (call.request.method, call.request.url) == ("POST", MESSAGES_URL)
        credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        assert call.request.headers["Authorization"] == f"Basic {credentials}"
        assert call.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert parse_qs(call.request.body, strict_parsing=True) == {
            "To": ["+32470123456"],
            "From": ["+3225550000"],
            "Body": [MESSAGE.body],
            "StatusCallback": ["https://balie.gent.example/digitale-balie/callbacks/sms/twilio/"],
        }
        assert call.request.req_kwargs["timeout"] == 10
        assert result == SmsResult("SM" + "a" * 32, DeliveryStatus.QUEUED)

    def test_no_status_callback_field_without_a_url(self, http):
        self.provider_with().send(MESSAGE)
        assert set(parse_qs(http.calls[0].request.body)) == {"To", "From", "Body"}

    def test_a_messaging_service_replaces_from(self, http):
        http.replace(responses.POST, MESSAGES_URL, json=twilio_message(status="accepted"), status=201)
        result = self.provider_with(MESSAGING_SERVICE_SID="MG" + "1" * 32).send(MESSAGE)
        form = parse_qs(http.calls[0].request.body)
        assert form["MessagingServiceSid"] == ["MG" + "1" * 32] and "From" not in form
        assert result.status == DeliveryStatus.QUEUED

    def test_timeout_and_base_url_options(self, http):
        fake = "https://twilio-fake.test/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json"
        http.add(responses.POST, fake, json=twilio_message(), status=201)
        self.provider_with(BASE_URL="https://twilio-fake.test/", TIMEOUT=2.5).send(MESSAGE)
        assert http.calls[0].request.url == fake and http.calls[0].request.req_kwargs["timeout"] == 2.5

    def test_an_unknown_first_status_is_unknown_not_an_error(self, http):
        http.replace(responses.POST, MESSAGES_URL, json=twilio_message(status="teleporting"), status=201)
        assert self.provider_with().send(MESSAGE).status == DeliveryStatus.UNKNOWN

    @pytest.mark.parametrize(
        "status, code, text",
        [
            (400, 21211, "The 'To' number +3247 is not a valid phone number."),
            (400, 21610, "Attempt to send to unsubscribed recipient"),
            (401, 20003, "Authenticate"),
        ],
    )
    def test_client_errors_are_permanent_rejections(self, http, status, code, text):
        http.replace(responses.POST, MESSAGES_URL, json=twilio_error(status, code, text), status=status)
        with pytest.raises(SmsRejected) as caught:
            self.provider_with().send(MESSAGE)
        assert caught.value.provider_code == str(code)
        assert MESSAGE.to not in str(caught.value)  # a message for staff, not the gateway's text

    @pytest.mark.parametrize("status, code", [(429, 20429), (500, 20500), (503, 20503)])
    def test_overload_and_server_errors_may_be_retried(self, http, status, code):
        http.replace(responses.POST, MESSAGES_URL, json=twilio_error(status, code, "Try later"), status=status)
        with pytest.raises(SmsError) as caught:
            self.provider_with().send(MESSAGE)
        assert not isinstance(caught.value, SmsRejected) and caught.value.provider_code == str(code)

    @pytest.mark.parametrize(
        "answer",
        [
            {"status": 502, "body": "<html>Bad gateway</html>", "content_type": "text/html"},
            {"status": 201, "json": {"unexpected": True}},
            {"status": 201, "json": ["not", "an", "object"]},
        ],
        ids=["html-502", "201-without-sid", "201-not-an-object"],
    )
    def test_an_unreadable_answer_is_a_retryable_error_not_a_crash(self, http, answer):
        http.replace(responses.POST, MESSAGES_URL, **answer)
        with pytest.raises(SmsError) as caught:
            self.provider_with().send(MESSAGE)
        assert not isinstance(caught.value, SmsRejected)

    @pytest.mark.parametrize(
        "error",
        [
            requests.Timeout("read timed out"),
            requests.ConnectTimeout("connect timed out"),
            requests.ConnectionError("connection refused"),
            requests.exceptions.SSLError("certificate verify failed"),
            requests.exceptions.ChunkedEncodingError("broken"),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_every_requests_exception_becomes_a_retryable_sms_error(self, http, error):
        http.replace(responses.POST, MESSAGES_URL, body=error)
        with pytest.raises(SmsError) as caught:
            self.provider_with().send(MESSAGE)
        assert not isinstance(caught.value, SmsRejected) and caught.value.__cause__ is error

    @pytest.mark.parametrize(
        "options, setting",
        [
            ({"ACCOUNT_SID": None}, "ACCOUNT_SID"),
            ({"AUTH_TOKEN": None}, "AUTH_TOKEN"),
            ({"AUTH_TOKEN": ""}, "AUTH_TOKEN"),  # an unset environment variable in production
            ({"FROM": ""}, "FROM"),
        ],
    )
    def test_a_missing_option_names_the_setting_and_sends_nothing(self, http, options, setting):
        config = {key: value for key, value in {**self.options, **options}.items() if value is not None}
        with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "twilio", "OPTIONS": config}}):
            provider = get_sms_provider()
        pattern = rf'DIGITALE_BALIE\["SMS"\]\["OPTIONS"\]\["{setting}"\]'
        with pytest.raises(ConfigurationError, match=pattern):
            provider.send(MESSAGE)
        assert not http.calls

    def test_the_dotted_path_selects_it_too(self):
        backend = "digitale_balie_plugin.integrations.sms.twilio.TwilioProvider"
        with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": backend, "OPTIONS": self.options}}):
            assert isinstance(get_sms_provider(), TwilioProvider)

    # -- status callbacks ----------------------------------------------------------------------

    def test_twilios_published_signature_vectors(self):
        """From Twilio's request-validation docs and SDK tests (auth token ``12345``)."""
        url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        params = {
            "CallSid": "CA1234567890ABCDE",
            "Caller": "+14158675309",
            "Digits": "1234",
            "From": "+14158675309",
            "To": "+18005551212",
        }
        assert compute_signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        repeated = QueryDict("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234")
        assert compute_signature("12345", url, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="

    def test_an_undelivered_report_carries_the_error_code(self, provider):
        fields = {**self.report_fields("SM" + "b" * 32, "undelivered"), "ErrorCode": "30003"}
        request = self.report_request(fields, self.sign(fields, self.callback_url()))
        report = provider.parse_delivery_report(request)
        assert report == DeliveryReport("SM" + "b" * 32, DeliveryStatus.UNDELIVERED, error_code="30003")

    @pytest.mark.parametrize(
        "native, status",
        [("sending", "queued"), ("accepted", "queued"), ("read", "delivered"), ("canceled", "failed")],
    )
    def test_twilio_statuses_map_onto_ours(self, provider, native, status):
        report = provider.parse_delivery_report(self.signed_report("SM1", native))
        assert report.status == DeliveryStatus(status)

    @pytest.mark.parametrize("signed_url", ["https://testserver{}", "https://testserver:443{}"])
    def test_https_is_accepted_with_or_without_the_default_port(self, provider, signed_url):
        fields = self.report_fields("SM1", "delivered")
        signature = self.sign(fields, signed_url.format(CALLBACK_PATH.format("twilio")))
        request = self.report_request(fields, signature, secure=True)
        assert provider.parse_delivery_report(request).status == DeliveryStatus.DELIVERED

    def test_the_query_string_is_part_of_the_signed_url(self, provider):
        fields = self.report_fields("SM1", "delivered")
        path = CALLBACK_PATH.format("twilio") + "?site=2"
        request = form_post(path, fields, HTTP_X_TWILIO_SIGNATURE=self.sign(fields, "http://testserver" + path))
        assert provider.parse_delivery_report(request).provider_message_id == "SM1"
        request = form_post(path, fields, HTTP_X_TWILIO_SIGNATURE=self.sign(fields, self.callback_url()))
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(request)

    def test_behind_a_tls_proxy_the_operator_must_set_secure_proxy_ssl_header(self, provider):
        """Twilio signs the https URL it called; the app sees plain http from the proxy."""
        fields = self.report_fields("SM1", "delivered")
        signature = self.sign(fields, "https://testserver" + CALLBACK_PATH.format("twilio"))
        with pytest.raises(InvalidCallback, match="SECURE_PROXY_SSL_HEADER"):
            provider.parse_delivery_report(self.report_request(fields, signature, HTTP_X_FORWARDED_PROTO="https"))
        with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            request = self.report_request(fields, signature, HTTP_X_FORWARDED_PROTO="https")
            assert provider.parse_delivery_report(request).status == DeliveryStatus.DELIVERED

    def test_a_signature_made_with_another_auth_token_is_refused(self, provider):
        fields = self.report_fields("SM1", "delivered")
        request = self.report_request(fields, twilio_signature("e" * 32, self.callback_url(), fields))
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(request)

    def test_an_extra_unsigned_field_is_refused(self, provider):
        fields = self.report_fields("SM1", "delivered")
        signature = self.sign(fields, self.callback_url())
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(self.report_request({**fields, "ErrorCode": "30008"}, signature))

    def test_a_get_is_refused(self, provider):
        fields = self.report_fields("SM1", "delivered")
        request = RequestFactory().get(
            CALLBACK_PATH.format("twilio"),
            fields,
            HTTP_X_TWILIO_SIGNATURE=self.sign(fields, self.callback_url()),
        )
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(request)

    def test_verifying_without_auth_token_is_a_configuration_error(self):
        request = self.signed_report("SM1", "delivered")
        with pytest.raises(ConfigurationError, match=r'\["AUTH_TOKEN"\]'):
            TwilioProvider({"ACCOUNT_SID": ACCOUNT_SID, "FROM": "+3225550000"}).parse_delivery_report(request)

    # -- configuration -------------------------------------------------------------------------

    def test_check_config_names_what_is_missing(self):
        problems = " ".join(TwilioProvider({"ACCOUNT_SID": "", "AUTH_TOKEN": "", "FROM": ""}).check_config())
        for name in ("ACCOUNT_SID", "AUTH_TOKEN", "FROM", "MESSAGING_SERVICE_SID"):
            assert f'DIGITALE_BALIE["SMS"]["OPTIONS"]["{name}"]' in problems

    def test_check_config_spots_values_of_the_wrong_shape(self):
        provider = TwilioProvider(
            {
                "ACCOUNT_SID": "SK" + "0" * 32,
                "AUTH_TOKEN": AUTH_TOKEN,
                "FROM": "+32 2 555 00 00",
                "MESSAGING_SERVICE_SID": "XX1",
                "TIMEOUT": "soon",
                "BASE_URL": "http://api.twilio.com",
            }
        )
        problems = provider.check_config()
        assert len(problems) == 5 and all(isinstance(problem, str) for problem in problems)

    @pytest.mark.parametrize("sender", ["+3225550000", "Gent", "Stad Gent 1"])
    def test_numbers_and_alphanumeric_sender_ids_are_valid_senders(self, sender):
        assert self.provider_with(FROM=sender).check_config() == []


# -- the registry and the kind's shared pieces ---------------------------------------------------


def test_the_registry_refuses_a_second_class_under_a_taken_id():
    class Impostor(DemoSmsProvider):
        pass

    with pytest.raises(ValueError, match="already registered"):
        registry.register("twilio")(Impostor)
    assert registry.get_class("twilio") is TwilioProvider
    assert registry.register("demo")(DemoSmsProvider) is DemoSmsProvider  # re-importing is harmless


def test_the_registry_refuses_what_is_not_an_sms_provider():
    with pytest.raises(TypeError):
        registry.register("not-sms")(object)
    assert "not-sms" not in registry


def test_a_provider_must_implement_the_contract():
    class Incomplete(SmsProvider):
        def send(self, message, *, status_callback_url=None):
            raise NotImplementedError

    with pytest.raises(TypeError, match="parse_delivery_report"):
        Incomplete()


def test_the_demo_provider_is_the_default_and_an_unknown_backend_names_the_setting():
    with override_settings(DIGITALE_BALIE={}):
        assert type(get_sms_provider()) is DemoSmsProvider
    with (
        override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "carrier-pigeon"}}),
        pytest.raises(ConfigurationError, match=r'DIGITALE_BALIE\["SMS"\]\["BACKEND"\]'),
    ):
        get_sms_provider()


def test_errors_form_one_tree_with_translated_messages():
    assert issubclass(SmsRejected, SmsError) and issubclass(SmsError, IntegrationError)
    assert isinstance(SmsError.default_message, Promise) and isinstance(SmsRejected.default_message, Promise)
    assert SmsError().provider_code == "" and str(SmsRejected(provider_code=21211).provider_code) == "21211"


def test_final_statuses():
    final = {status for status in DeliveryStatus if status.is_final}
    assert final == {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED}
    assert DeliveryStatus.SENT == "sent"  # stored as plain text on the notification


@pytest.mark.parametrize(
    "raw, region, expected",
    [
        ("0470 12 34 56", "BE", "+32470123456"),
        ("+32 470/12.34.56", "BE", "+32470123456"),
        ("0032470123456", "BE", "+32470123456"),
        ("0032 (0)470 12 34 56", "BE", "+32470123456"),
        ("+32 (0)470 12 34 56", "BE", "+32470123456"),
        ("+32 0470 12 34 56", "BE", "+32470123456"),
        ("(0470) 12-34-56", "BE", "+32470123456"),
        ("0470\u00a012\u00a034\u00a056", "BE", "+32470123456"),  # pasted with no-break spaces
        ("09 210 10 10", "BE", "+3292101010"),
        ("02/555.00.00", "BE", "+3225550000"),
        ("+31 6 12345678", "BE", "+31612345678"),
        ("06-12345678", "NL", "+31612345678"),
        ("020 123 4567", "NL", "+31201234567"),
        ("0031 20 123 4567", "BE", "+31201234567"),
        # The neighbours a Belgian city meets: France, Germany, Luxembourg, written as people write them.
        ("+33 6 12 34 56 78", "BE", "+33612345678"),
        ("0033 1 42 76 40 40", "BE", "+33142764040"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+49 151 23456789", "BE", "+4915123456789"),
        ("0049 30 123456", "BE", "+4930123456"),
        ("+352 621 123 456", "BE", "+352621123456"),
        ("+44 20 7946 0958", "BE", "+442079460958"),
        ("+1 415 555 2671", "NL", "+14155552671"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, region, expected):
    assert normalize_phone_number(raw, default_region=region) == expected


@pytest.mark.parametrize(
    "raw, region",
    [
        ("", "BE"),
        ("   ", "BE"),
        ("0470", "BE"),
        ("0470 12 34 5", "BE"),  # a mobile is 9 digits
        ("02 555 00 000", "BE"),  # a landline is 8
        ("+32 470 12 34 56 78", "BE"),
        ("06 1234567", "NL"),
        ("020 123 4567", "BE"),  # a Dutch number read as Belgian
        ("0470abc123", "BE"),
        ("++32470123456", "BE"),
        ("32+470123456", "BE"),
        ("09 123 45 67", "BE"),  # a Ghent number has no 1 after the zone: the numbering plan knows
        ("+1 234", "BE"),  # E.164 has at least 8 digits
        ("+1234567890123456", "BE"),  # and at most 15
        ("٠٤٧٠١٢٣٤٥٦", "BE"),  # digits, but not ASCII ones
        ("+352 12", "BE"),
        ("+33 6 12 34 56", "BE"),
    ],
)
def test_bad_phone_numbers_are_refused(raw, region):
    with pytest.raises(ValueError):
        normalize_phone_number(raw, default_region=region)


def test_sms_recipients_must_be_mobile_and_numbers_read_back_grouped():
    assert normalize_phone_number("0470 12 34 56", mobile=True) == "+32470123456"
    assert normalize_phone_number("+352 621 123 456", mobile=True) == "+352621123456"
    with pytest.raises(ValueError, match="not a mobile number"):
        normalize_phone_number("02 555 00 00", mobile=True)
    assert format_phone_number("+32470123456") == "+32 470 12 34 56"
    assert format_phone_number("+33612345678") == "+33 6 12 34 56 78"
    assert format_phone_number("+352621123456") == "+352 621 123 456"
    assert format_phone_number("not a number") == "not a number"


def test_a_demo_report_reaching_another_server_still_names_its_message():
    """The reference lives in the shared cache: the outbox (one process's window) may be gone entirely."""
    sent = DemoSmsProvider().send(MESSAGE)
    DemoSmsProvider.clear()  # another process: nothing of the sender's memory
    signature = sign_demo_report(sent.provider_message_id, "delivered")
    fields = {"id": sent.provider_message_id, "status": "delivered", "signature": signature}
    request = form_post(CALLBACK_PATH.format("demo"), fields)
    assert DemoSmsProvider().parse_delivery_report(request).reference == MESSAGE.reference
