"""The default SMS provider: sends nothing, works offline, remembers what it was asked to send.

Like Django's ``mail.outbox``, every message lands in :attr:`DemoSmsProvider.outbox` (tests read
it; the autouse fixture in ``tests/conftest.py`` empties it) and in the log, so a developer sees
the text in the runserver console. It also behaves like a real gateway where that matters to
callers: it refuses a number that is not E.164, and its delivery reports must be signed.

The outbox is one process's window for the tests and nothing reads it to do its work. What a later
request needs (which message a delivery report is about) lives in Django's cache, like the demo
payment provider's state: the report may reach another app server than the worker that sent.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
from typing import ClassVar

from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.integrations.sms.base import (
    DeliveryReport,
    DeliveryStatus,
    InvalidCallback,
    SmsMessage,
    SmsProvider,
    SmsRejected,
    SmsResult,
)
from digitale_balie_plugin.integrations.sms.registry import registry

logger = logging.getLogger("digitale_balie.sms")

_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_SIGNATURE_SALT = "digitale_balie.sms.demo.report"
_STATUSES = {status.value for status in DeliveryStatus}
#: How long a delivery report can name its message: gateways report within hours, retry for a day or two.
REFERENCE_TTL = 7 * 24 * 3600


def sign_demo_report(message_id: str, status: str) -> str:
    """The ``signature`` field a demo delivery report needs: HMAC-SHA256 keyed with SECRET_KEY.

    The key is salted (Django's ``salted_hmac``) so this signature can never be replayed as any
    other HMAC the site makes with the same SECRET_KEY; id and status are JSON-encoded so no
    choice of separator lets one (id, status) pair pass for another.
    """
    value = json.dumps([message_id, status])
    return salted_hmac(_SIGNATURE_SALT, value, algorithm="sha256").hexdigest()


@registry.register("demo")
class DemoSmsProvider(SmsProvider):
    """Offline stand-in for a gateway, the default until a site configures a real one."""

    verbose_name = _("Demo (sends nothing)")
    is_demo = True

    #: Every message this process handed to ``send``, in order, for all instances (providers are built per
    #: use): the tests' window only, see the module's docstring.
    outbox: ClassVar[list[SmsMessage]] = []

    @classmethod
    def clear(cls) -> None:
        """Forget the outbox (between tests; the cache, where the references live, is cleared with it)."""
        cls.outbox.clear()

    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        if not _E164.fullmatch(message.to):
            raise SmsRejected(_("The SMS was refused: the number is not in international format."))
        message_id = "demo-" + secrets.token_hex(8)
        self.outbox.append(message)
        cache.set(_reference_key(message_id), message.reference, REFERENCE_TTL)
        logger.info("Demo SMS %s to %s (%s): %s", message_id, message.to, message.reference, message.body)
        return SmsResult(provider_message_id=message_id, status=DeliveryStatus.SENT)

    def parse_delivery_report(self, request) -> DeliveryReport:
        """Accept a POST with ``id``, ``status`` and ``signature`` = ``sign_demo_report(id, status)``."""
        if request.method != "POST":
            raise InvalidCallback("Delivery reports are POSTed.")
        message_id, status = request.POST.get("id", ""), request.POST.get("status", "")
        signature = request.POST.get("signature", "")
        if not signature:
            raise InvalidCallback("The signature field is missing.")
        if not hmac.compare_digest(signature.encode(), sign_demo_report(message_id, status).encode()):
            raise InvalidCallback("The signature does not match.")
        if not message_id or status not in _STATUSES:
            raise InvalidCallback("A report needs an id and a known status.")
        return DeliveryReport(
            provider_message_id=message_id,
            status=DeliveryStatus(status),
            reference=cache.get(_reference_key(message_id), ""),
        )


def _reference_key(message_id: str) -> str:
    return f"digitale_balie:demo-sms:{message_id}"
