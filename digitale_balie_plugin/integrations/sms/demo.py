"""Demo SMS provider: works offline, records messages (like Django's ``mail.outbox``) and logs them."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import ClassVar

from django.conf import settings

from . import registry
from .base import DeliveryReport, DeliveryStatus, InvalidCallback, SmsMessage, SmsProvider, SmsResult

logger = logging.getLogger("digitale_balie.sms")


def sign_demo_report(message_id: str, status: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{message_id}:{status}".encode(), hashlib.sha256).hexdigest()


@registry.register("demo")
class DemoSmsProvider(SmsProvider):
    verbose_name = "Demo (offline)"
    is_demo = True
    outbox: ClassVar[list[SmsMessage]] = []

    @classmethod
    def clear(cls) -> None:
        cls.outbox.clear()

    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        self.outbox.append(message)
        logger.info("Demo SMS to %s: %s", message.to, message.body)
        return SmsResult(provider_message_id="demo-" + secrets.token_hex(8), status=DeliveryStatus.SENT)

    def parse_delivery_report(self, request) -> DeliveryReport:
        message_id, status = request.POST.get("id", ""), request.POST.get("status", "")
        signature = request.POST.get("signature", "")
        if not message_id or not hmac.compare_digest(signature, sign_demo_report(message_id, status)):
            raise InvalidCallback("Bad or missing signature.")
        try:
            return DeliveryReport(provider_message_id=message_id, status=DeliveryStatus(status))
        except ValueError:
            raise InvalidCallback(f"Unknown status {status!r}.") from None
