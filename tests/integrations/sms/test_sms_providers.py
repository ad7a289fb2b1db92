"""Every SMS provider honours the same contract; Twilio is checked against its documented HTTP API."""

import base64
import hashlib
import hmac
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.test import RequestFactory, override_settings

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.sms import get_sms_provider
from digitale_balie_plugin.integrations.sms.base import (
    DeliveryStatus,
    InvalidCallback,
    SmsError,
    SmsMessage,
    SmsRejected,
    SmsResult,
    normalize_phone_number,
)
from digitale_balie_plugin.integrations.sms.demo import DemoSmsProvider, sign_demo_report
from digitale_balie_plugin.integrations.sms.twilio import TwilioProvider

MESSAGE = SmsMessage(to="+32470123456", body="Herinnering: afspraak morgen om 10:00.", reference="42:reminder:sms")
CALLBACK = "https://balie.gent.example/digitale-balie/callbacks/sms/{}/"


class SmsProviderContract:
    """Inherit and implement the hooks; every provider must pass these."""

    def make_provider(self):
        raise NotImplementedError

    def signed_report(self, provider, message_id, status):
        """Return a request the provider must accept as authentic."""
        raise NotImplementedError

    def test_send_returns_a_result_with_an_id(self):
        result = self.make_provider().send(MESSAGE, status_callback_url=CALLBACK.format("x"))
        assert isinstance(result, SmsResult) and result.provider_message_id
        assert isinstance(result.status, DeliveryStatus)

    def test_a_signed_report_parses(self):
        provider = self.make_provider()
        report = provider.parse_delivery_report(self.signed_report(provider, "MSG1", "delivered"))
        assert (report.provider_message_id, report.status) == ("MSG1", DeliveryStatus.DELIVERED)

    def test_an_unsigned_report_is_refused(self):
        request = RequestFactory().post(
            "/cb/", {"id": "MSG1", "status": "delivered", "MessageSid": "MSG1", "MessageStatus": "delivered"}
        )
        with pytest.raises(InvalidCallback):
            self.make_provider().parse_delivery_report(request)

    def test_check_config_returns_a_list(self):
        assert isinstance(self.make_provider().check_config(), list)


class TestDemoSmsProvider(SmsProviderContract):
    def make_provider(self):
        return DemoSmsProvider()

    def signed_report(self, provider, message_id, status):
        return RequestFactory().post(
            "/cb/", {"id": message_id, "status": status, "signature": sign_demo_report(message_id, status)}
        )

    def test_messages_are_recorded(self):
        DemoSmsProvider.clear()
        self.make_provider().send(MESSAGE)
        assert DemoSmsProvider.outbox == [MESSAGE]


TWILIO_OPTIONS = {"ACCOUNT_SID": "AC" + "1" * 32, "AUTH_TOKEN": "secret-auth-token", "FROM": "+3225550000"}
TWILIO_URL = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_OPTIONS['ACCOUNT_SID']}/Messages.json"


def twilio_created(status="queued"):
    """A 201 answer as documented for the Message resource (abridged)."""
    return {
        "account_sid": TWILIO_OPTIONS["ACCOUNT_SID"],
        "api_version": "2010-04-01",
        "body": MESSAGE.body,
        "date_created": "Thu, 03 Dec 2026 09:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+3225550000",
        "num_segments": "1",
        "price": None,
        "sid": "SM" + "a" * 32,
        "status": status,
        "to": MESSAGE.to,
        "uri": "/2010-04-01/...",
    }


def independent_signature(token, url, params):
    data = url + "".join(key + params[key] for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class TestTwilioProvider(SmsProviderContract):
    @pytest.fixture(autouse=True)
    def _http(self):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add(responses.POST, TWILIO_URL, json=twilio_created(), status=201)
            self.http = mock
            yield

    def make_provider(self, **options):
        return TwilioProvider({**TWILIO_OPTIONS, **options})

    def signed_report(self, provider, message_id, status):
        params = {"MessageSid": message_id, "MessageStatus": status, "AccountSid": TWILIO_OPTIONS["ACCOUNT_SID"]}
        url = "http://testserver/cb/"
        return RequestFactory().post(
            "/cb/", params, HTTP_X_TWILIO_SIGNATURE=independent_signature(TWILIO_OPTIONS["AUTH_TOKEN"], url, params)
        )

    def test_request_matches_the_documented_contract(self):
        result = self.make_provider().send(MESSAGE, status_callback_url=CALLBACK.format("twilio"))
        call = self.http.calls[0].request
        assert call.url == TWILIO_URL and call.method == "POST"
        expected_auth = base64.b64encode(f"{TWILIO_OPTIONS['ACCOUNT_SID']}:secret-auth-token".encode()).decode()
        assert call.headers["Authorization"] == f"Basic {expected_auth}"
        assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
        form = {key: values[0] for key, values in parse_qs(call.body).items()}
        assert form == {
            "To": "+32470123456",
            "From": "+3225550000",
            "Body": MESSAGE.body,
            "StatusCallback": CALLBACK.format("twilio"),
        }
        assert result == SmsResult("SM" + "a" * 32, DeliveryStatus.QUEUED)

    def test_messaging_service_replaces_from(self):
        self.make_provider(FROM="", MESSAGING_SERVICE_SID="MG" + "2" * 32).send(MESSAGE)
        form = parse_qs(self.http.calls[0].request.body)
        assert form["MessagingServiceSid"] == ["MG" + "2" * 32] and "From" not in form

    def test_invalid_number_is_a_permanent_rejection(self):
        self.http.replace(
            responses.POST,
            TWILIO_URL,
            status=400,
            json={
                "code": 21211,
                "message": "The 'To' number +3247 is not a valid phone number.",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": 400,
            },
        )
        with pytest.raises(SmsRejected):
            self.make_provider().send(MESSAGE)

    @pytest.mark.parametrize("status", [429, 500, 503])
    def test_overload_and_server_errors_are_retryable(self, status):
        self.http.replace(
            responses.POST, TWILIO_URL, status=status, json={"code": 20429, "message": "Too many", "status": status}
        )
        with pytest.raises(SmsError) as caught:
            self.make_provider().send(MESSAGE)
        assert not isinstance(caught.value, SmsRejected)

    @pytest.mark.parametrize(
        "error", [requests.Timeout("slow"), requests.ConnectionError("down"), requests.exceptions.SSLError("tls")]
    )
    def test_network_errors_become_sms_errors(self, error):
        self.http.replace(responses.POST, TWILIO_URL, body=error)
        with pytest.raises(SmsError):
            self.make_provider().send(MESSAGE)

    def test_non_json_answer_is_an_error_not_a_crash(self):
        self.http.replace(responses.POST, TWILIO_URL, status=502, body="<html>Bad gateway</html>")
        with pytest.raises(SmsError):
            self.make_provider().send(MESSAGE)

    def test_forged_signature_is_refused(self):
        request = RequestFactory().post(
            "/cb/",
            {"MessageSid": "SM1", "MessageStatus": "delivered"},
            HTTP_X_TWILIO_SIGNATURE=base64.b64encode(b"x" * 20).decode(),
        )
        with pytest.raises(InvalidCallback):
            self.make_provider().parse_delivery_report(request)

    def test_signature_covers_every_parameter(self):
        provider = self.make_provider()
        request = self.signed_report(provider, "SM1", "delivered")
        request.POST = request.POST.copy()
        request.POST["MessageStatus"] = "failed"
        with pytest.raises(InvalidCallback):
            provider.parse_delivery_report(request)

    def test_missing_options_name_the_setting(self):
        with pytest.raises(ConfigurationError, match=r'DIGITALE_BALIE\["SMS"\]\["OPTIONS"\]\["AUTH_TOKEN"\]'):
            TwilioProvider({"ACCOUNT_SID": "AC1", "FROM": "+32"}).send(MESSAGE)
        assert TwilioProvider({}).check_config()

    def test_configured_in_settings(self):
        with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "twilio", "OPTIONS": TWILIO_OPTIONS}}):
            assert isinstance(get_sms_provider(), TwilioProvider)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0470 12 34 56", "+32470123456"),
        ("+32 470/12.34.56", "+32470123456"),
        ("0032470123456", "+32470123456"),
        ("09 123 45 67", "+3291234567"),
        ("+31 6 12345678", "+31612345678"),
        ("(0470) 12-34-56", "+32470123456"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12",
        "0470",
        "470123456",
        "+32 470 12 34 56 78 90",
        "0470abc123",
        "++32470123456",
        "32+470123456",
        "+31 6 1234",
        "\x00",
    ],
)
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_phone_number(raw)
