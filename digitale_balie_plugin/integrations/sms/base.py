"""SMS integration kind: what every gateway provider must do.

Lifecycle: ``send`` hands one message to the gateway and returns its id and first status; the
gateway later calls back with delivery reports, which ``parse_delivery_report`` verifies and
normalises. Providers never retry by themselves: the caller (the notification service) decides,
based on the exception type (``SmsRejected`` is permanent, other ``SmsError``s are retryable).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ...exceptions import IntegrationError
from ..registry import BaseProvider


class SmsError(IntegrationError):
    """The gateway failed (timeout, 5xx, 429): worth retrying later."""

    default_message = _("The SMS could not be sent. We will try again.")


class SmsRejected(SmsError):
    """The gateway refused the message for good (invalid number, blocked): do not retry."""

    default_message = _("The SMS was refused. Check the phone number.")


class InvalidCallback(Exception):
    """A delivery report failed verification or could not be parsed."""


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164, e.g. +32470123456
    body: str
    reference: str  # our own id: idempotency and matching callbacks


@dataclass(frozen=True)
class SmsResult:
    provider_message_id: str
    status: DeliveryStatus


@dataclass(frozen=True)
class DeliveryReport:
    provider_message_id: str
    status: DeliveryStatus
    error_code: str = ""
    reference: str = ""


class SmsProvider(BaseProvider):
    """Base class of SMS gateways."""

    @abstractmethod
    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        """Hand ``message`` to the gateway. Raise ``SmsRejected`` (permanent) or ``SmsError``."""

    @abstractmethod
    def parse_delivery_report(self, request) -> DeliveryReport:
        """Verify (constant-time) and parse a status callback; raise ``InvalidCallback`` otherwise."""


_COUNTRY_PREFIXES = {"BE": "32", "NL": "31"}


def normalize_phone_number(raw: str, default_region: str = "BE") -> str:
    """Belgian/Dutch input (``0470 12 34 56``, ``+32 470/12.34.56``, ``0032…``) to E.164, or ``ValueError``."""
    text = (raw or "").strip()
    if (
        not text
        or re.search(r"[^\d\s+()./-]", text)
        or text.count("+") > 1
        or ("+" in text and not text.startswith("+"))
    ):
        raise ValueError("Not a phone number.")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = _COUNTRY_PREFIXES[default_region] + digits[1:]
    else:
        raise ValueError("A national number starts with 0.")
    if not 8 <= len(number) <= 15 or number.startswith("0"):
        raise ValueError("Wrong length.")
    national = {"32": (8, 9), "31": (9, 9)}
    for prefix, (shortest, longest) in national.items():
        if number.startswith(prefix) and not shortest <= len(number) - len(prefix) <= longest:
            raise ValueError("Wrong length for this country.")
    return "+" + number
