"""Twilio Programmable Messaging over its REST API, with plain ``requests`` (no SDK to install,
pin and audit for one POST and one signature check).

Sending (Message resource, API version 2010-04-01)::

    POST {BASE_URL}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json
    HTTP Basic auth ACCOUNT_SID:AUTH_TOKEN, form-encoded To, From | MessagingServiceSid, Body,
    StatusCallback (optional)

answers 201 with JSON ``sid`` ("SM...") and ``status`` ("queued"; "accepted" or "scheduled" through
a Messaging Service), or an error ``{"code": 21211, "message": ..., "more_info": ..., "status": 400}``.
429 and 5xx may succeed later (``SmsError``); other 4xx will not (``SmsRejected``). Twilio takes
no idempotency key for messages, so a retry after a read timeout may deliver a message twice.

Status callbacks are form POSTs (``MessageSid``, ``MessageStatus``, ``ErrorCode``, ...) signed in
``X-Twilio-Signature`` = base64(HMAC-SHA1(AUTH_TOKEN, full URL + every POST parameter as name
then value, sorted by name)). The full URL is rebuilt with ``request.build_absolute_uri()``, so it
must be the URL Twilio called: behind a TLS-terminating proxy set ``SECURE_PROXY_SSL_HEADER``, and
``USE_X_FORWARDED_HOST`` when the proxy rewrites the host, or every callback is refused.

Options (``DIGITALE_BALIE["SMS"]["OPTIONS"]``): ``ACCOUNT_SID``, ``AUTH_TOKEN``, ``FROM`` (E.164
number or alphanumeric sender id) or ``MESSAGING_SERVICE_SID``, ``TIMEOUT`` (seconds, default 10),
``BASE_URL`` (default ``https://api.twilio.com``, changed only to point tests at a fake).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Iterator, Mapping
from urllib.parse import quote, urlsplit

import requests
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.sms.base import (
    DeliveryReport,
    DeliveryStatus,
    InvalidCallback,
    SmsError,
    SmsMessage,
    SmsProvider,
    SmsRejected,
    SmsResult,
)
from digitale_balie_plugin.integrations.sms.registry import registry

logger = logging.getLogger("digitale_balie.sms")

DEFAULT_BASE_URL = "https://api.twilio.com"
DEFAULT_TIMEOUT = 10
SIGNATURE_HEADER = "X-Twilio-Signature"

#: Twilio's message statuses in our words; anything else (a status added later) is UNKNOWN.
STATUSES = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")


def compute_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for a form POST of ``params`` to ``url``.

    Names are sorted by code point; a repeated name contributes each distinct value, sorted,
    as Twilio's own validators do. ``params`` may be a Django ``QueryDict`` or a plain dict.
    """
    payload = url + "".join(name + value for name in sorted(params) for value in _sorted_values(params, name))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _sorted_values(params: Mapping[str, str], name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
    return sorted(set(values))


def _url_variants(url: str) -> set[str]:
    """The URL as received, without its port and with the default port: Twilio signs some
    requests with ``:443`` and some without, and its own SDK accepts either."""
    parts = urlsplit(url)
    if parts.port is not None:
        return {url, parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]).geturl()}
    default_port = 443 if parts.scheme == "https" else 80
    return {url, parts._replace(netloc=f"{parts.netloc}:{default_port}").geturl()}


@registry.register("twilio")
class TwilioProvider(SmsProvider):
    """Twilio's Message resource for sending, its signed status callbacks for delivery reports."""

    verbose_name = "Twilio"

    # -- sending -------------------------------------------------------------------------------

    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        account_sid = self._required("ACCOUNT_SID")
        auth = (account_sid, self._required("AUTH_TOKEN"))
        form = self._form(message, status_callback_url)
        try:
            response = requests.post(
                self._messages_url(account_sid),
                data=form,
                auth=auth,
                timeout=self._timeout(),
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as exc:
            logger.warning("Twilio did not answer for SMS %s: %r", message.reference, exc)
            raise SmsError() from exc
        return self._result(response, message.reference)

    def _messages_url(self, account_sid: str) -> str:
        base_url = str(self.option("BASE_URL", DEFAULT_BASE_URL)).rstrip("/")
        return f"{base_url}/2010-04-01/Accounts/{quote(account_sid, safe='')}/Messages.json"

    def _form(self, message: SmsMessage, status_callback_url: str | None) -> dict[str, str]:
        form = {"To": message.to, "Body": message.body}
        service_sid = self.options.get("MESSAGING_SERVICE_SID")
        if service_sid:
            form["MessagingServiceSid"] = service_sid
        else:
            form["From"] = self._required("FROM", alternative="MESSAGING_SERVICE_SID")
        if status_callback_url:
            form["StatusCallback"] = status_callback_url
        return form

    def _result(self, response: requests.Response, reference: str) -> SmsResult:
        body = _json_object(response)
        if 200 <= response.status_code < 300 and body.get("sid"):
            return SmsResult(str(body["sid"]), STATUSES.get(str(body.get("status")), DeliveryStatus.UNKNOWN))
        code = str(body.get("code") or "")
        level = logging.ERROR if response.status_code in (401, 403, 404) else logging.WARNING
        logger.log(
            level,
            "Twilio did not accept SMS %s: HTTP %s, code %s: %s (%s)",
            reference,
            response.status_code,
            code or "-",
            body.get("message", response.reason),
            body.get("more_info", ""),
        )
        if response.status_code in (408, 429) or not 400 <= response.status_code < 500:
            raise SmsError(provider_code=code)
        raise SmsRejected(provider_code=code)

    # -- delivery reports ----------------------------------------------------------------------

    def parse_delivery_report(self, request) -> DeliveryReport:
        if request.method != "POST":
            raise InvalidCallback("Twilio status callbacks are POSTed.")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            raise InvalidCallback(f"The {SIGNATURE_HEADER} header is missing.")
        if not self.signature_matches(request, signature):
            logger.warning("Twilio signature checked against %s did not match.", request.build_absolute_uri())
            raise InvalidCallback(
                f"The {SIGNATURE_HEADER} header does not match the URL and the POSTed fields "
                "(behind a proxy, check SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST)."
            )
        sid, status = request.POST.get("MessageSid", ""), request.POST.get("MessageStatus", "")
        if not sid or not status:
            raise InvalidCallback("MessageSid and MessageStatus are required.")
        return DeliveryReport(
            provider_message_id=sid,
            status=STATUSES.get(status, DeliveryStatus.UNKNOWN),
            error_code=request.POST.get("ErrorCode", ""),
        )

    def signature_matches(self, request, signature: str) -> bool:
        """Whether ``signature`` is Twilio's for this request, compared in constant time."""
        auth_token = self._required("AUTH_TOKEN")
        given = signature.encode()
        return any(
            hmac.compare_digest(compute_signature(auth_token, url, request.POST).encode(), given)
            for url in _url_variants(request.build_absolute_uri())
        )

    # -- configuration -------------------------------------------------------------------------

    def check_config(self) -> list[str]:
        """Options only, no network call: a status page must not spend an API request."""
        return [f"Twilio: {problem}" for problem in self._problems()]

    def _problems(self) -> Iterator[str]:
        options, setting = self.options, self._setting
        for name in ("ACCOUNT_SID", "AUTH_TOKEN"):
            if not options.get(name):
                yield _("Set %(setting)s.") % {"setting": setting(name)}
        for name, prefix in (("ACCOUNT_SID", "AC"), ("MESSAGING_SERVICE_SID", "MG")):
            if options.get(name) and not str(options[name]).startswith(prefix):
                yield _("%(setting)s should start with %(prefix)s.") % {
                    "setting": setting(name),
                    "prefix": prefix,
                }
        yield from self._sender_problems()
        try:
            self._timeout()
        except ConfigurationError:
            yield _("%(setting)s must be a positive number of seconds.") % {"setting": setting("TIMEOUT")}
        if not str(options.get("BASE_URL", DEFAULT_BASE_URL)).startswith("https://"):
            yield _("%(setting)s must start with https://.") % {"setting": setting("BASE_URL")}

    def _sender_problems(self) -> Iterator[str]:
        sender = str(self.options.get("FROM") or "")
        if not sender and not self.options.get("MESSAGING_SERVICE_SID"):
            names = {"from": self._setting("FROM"), "service": self._setting("MESSAGING_SERVICE_SID")}
            yield _("Set %(from)s or %(service)s.") % names
        elif sender and not (_E164.fullmatch(sender) or _ALPHANUMERIC_SENDER.fullmatch(sender)):
            yield _("%(setting)s must be a number like +3225550000 or a sender name of 1 to 11 letters or digits.") % {
                "setting": self._setting("FROM")
            }

    # -- helpers -------------------------------------------------------------------------------

    def _required(self, name: str, *, alternative: str = "") -> str:
        """An option that must be set and non-empty: production settings fill options from
        environment variables, and an unset variable arrives as ``""``, not as a missing key."""
        value = self.options.get(name)
        if value:
            return str(value)
        if not alternative:
            self.option(name)  # raises when the key is absent, naming the setting as usual
        either = f" (or {self._setting(alternative)})" if alternative else ""
        raise ConfigurationError(f"{self.verbose_name}: set {self._setting(name)}{either}; it is empty or missing.")

    def _timeout(self) -> float:
        value = self.option("TIMEOUT", DEFAULT_TIMEOUT)
        try:
            timeout = float(value)
        except (TypeError, ValueError):
            timeout = 0.0
        if timeout <= 0:
            raise ConfigurationError(f"{self.verbose_name}: {self._setting('TIMEOUT')} must be a positive number.")
        return timeout

    def _setting(self, name: str) -> str:
        return f'{SETTING_NAME}["{self.kind or "SMS"}"]["OPTIONS"]["{name}"]'


def _json_object(response: requests.Response) -> dict:
    """The answer's JSON object, or ``{}`` (a proxy's HTML error page is not JSON)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
