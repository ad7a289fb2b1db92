"""Twilio Programmable Messaging, through its REST API with plain ``requests`` (no SDK).

Contract (twilio.com/docs/messaging/api/message-resource):
``POST {BASE_URL}/2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP Basic auth
(AccountSid, AuthToken), form fields ``To``, ``From`` or ``MessagingServiceSid``, ``Body`` and
optionally ``StatusCallback``. Success: 201 with JSON ``sid`` ("SM…") and ``status``. Errors: JSON
``{"code": 21211, "message": …, "more_info": …, "status": 400}``.

Status callbacks are form posts (``MessageSid``, ``MessageStatus``, ``ErrorCode``) signed in
``X-Twilio-Signature``: base64(HMAC-SHA1(AuthToken, full URL + each POST parameter name and value,
sorted by name)). The full URL must be the one Twilio called: behind a proxy set
``SECURE_PROXY_SSL_HEADER`` (and ``USE_X_FORWARDED_HOST`` if the host is rewritten).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

import requests

from . import registry
from .base import (
    DeliveryReport,
    DeliveryStatus,
    InvalidCallback,
    SmsError,
    SmsMessage,
    SmsProvider,
    SmsRejected,
    SmsResult,
)

logger = logging.getLogger("digitale_balie.sms")

STATUSES = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
    "undelivered": DeliveryStatus.UNDELIVERED,
}


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@registry.register("twilio")
class TwilioProvider(SmsProvider):
    verbose_name = "Twilio"

    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        sid = self.option("ACCOUNT_SID")
        url = f"{self.option('BASE_URL', 'https://api.twilio.com').rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        try:
            response = requests.post(
                url,
                data=self._form(message, status_callback_url),
                auth=(sid, self.option("AUTH_TOKEN")),
                timeout=self.option("TIMEOUT", 10),
            )
        except requests.RequestException as exc:
            logger.warning("Twilio unreachable: %s", exc)
            raise SmsError() from exc
        return self._result(response)

    def _form(self, message: SmsMessage, status_callback_url: str | None) -> dict[str, str]:
        form = {"To": message.to, "Body": message.body}
        service = self.option("MESSAGING_SERVICE_SID", "")
        if service:
            form["MessagingServiceSid"] = service
        else:
            form["From"] = self.option("FROM")
        if status_callback_url:
            form["StatusCallback"] = status_callback_url
        return form

    def _result(self, response: requests.Response) -> SmsResult:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code in (200, 201) and body.get("sid"):
            return SmsResult(body["sid"], STATUSES.get(body.get("status", ""), DeliveryStatus.QUEUED))
        logger.warning("Twilio answered %s: %s %s", response.status_code, body.get("code"), body.get("message"))
        if response.status_code == 429 or response.status_code >= 500 or response.status_code < 400:
            raise SmsError()
        raise SmsRejected()

    def parse_delivery_report(self, request) -> DeliveryReport:
        params = {key: request.POST.get(key) for key in request.POST}
        expected = twilio_signature(self.option("AUTH_TOKEN"), request.build_absolute_uri(), params)
        given = request.headers.get("X-Twilio-Signature", "")
        if not given or not hmac.compare_digest(given, expected):
            raise InvalidCallback("Bad or missing X-Twilio-Signature.")
        if not params.get("MessageSid") or not params.get("MessageStatus"):
            raise InvalidCallback("MessageSid and MessageStatus are required.")
        return DeliveryReport(
            provider_message_id=params["MessageSid"],
            status=STATUSES.get(params["MessageStatus"], DeliveryStatus.UNKNOWN),
            error_code=params.get("ErrorCode", "") or "",
        )

    def check_config(self) -> list[str]:
        problems = [
            f"Twilio: set OPTIONS[{name!r}]." for name in ("ACCOUNT_SID", "AUTH_TOKEN") if not self.options.get(name)
        ]
        if not self.options.get("FROM") and not self.options.get("MESSAGING_SERVICE_SID"):
            problems.append("Twilio: set OPTIONS['FROM'] or OPTIONS['MESSAGING_SERVICE_SID'].")
        return problems
