"""SMS integration kind: the contract every gateway honours, the values that cross it, and
the phone number normalisation every caller needs before a message can be addressed.

Values crossing the boundary are the dataclasses below, never vendor JSON, so the notification
service, the webhook view and the tests do not change when a municipality changes gateway.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider, InvalidCallback

__all__ = [
    "DeliveryReport",
    "DeliveryStatus",
    "InvalidCallback",
    "SmsError",
    "SmsMessage",
    "SmsProvider",
    "SmsRejected",
    "SmsResult",
    "normalize_phone_number",
]


class SmsError(IntegrationError):
    """The gateway failed (no answer, timeout, 429, 5xx): the same message may succeed later.

    ``provider_code`` keeps the gateway's own error code (Twilio ``20429``) for the log and the
    notification row; the message itself stays translated and safe to show to staff.
    """

    default_message = _("The SMS could not be sent. It will be tried again later.")

    def __init__(self, message=None, *, provider_code: str = ""):
        self.provider_code = str(provider_code or "")
        super().__init__(message)


class SmsRejected(SmsError):
    """The gateway refused this message for good (invalid number, blocked recipient, 4xx).

    A subclass of :class:`SmsError` so ``except SmsError`` still catches everything; callers
    that retry must catch this one first and give up, because resending cannot succeed.
    """

    default_message = _("The SMS was refused by the gateway. Check the phone number.")


class DeliveryStatus(StrEnum):
    """Where a message is, in the few words every gateway can be mapped onto."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """True when no later report can change it. Gateways may report out of order, so a
        caller should not let a late ``sent`` overwrite a ``delivered``."""
        return self in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED)


@dataclass(frozen=True)
class SmsMessage:
    """One message to one recipient.

    ``to`` is E.164 (``+32470123456``): run input through :func:`normalize_phone_number` first.
    ``reference`` is our own id (the notification's dedupe key), used for idempotency where the
    gateway supports it and to match delivery reports back to what we sent.
    """

    to: str
    body: str
    reference: str


@dataclass(frozen=True)
class SmsResult:
    """The gateway accepted the message: its id (to match callbacks) and first status."""

    provider_message_id: str
    status: DeliveryStatus


@dataclass(frozen=True)
class DeliveryReport:
    """A verified status callback. ``reference`` is filled only when the gateway echoes it."""

    provider_message_id: str
    status: DeliveryStatus
    error_code: str = ""
    reference: str = ""


class SmsProvider(BaseProvider, ABC):
    """Base class of SMS gateways.

    Lifecycle rules, relied on by the notification service and the webhook view:

    * A provider is built per use by ``registry.get_provider()`` from
      ``DIGITALE_BALIE["SMS"]["OPTIONS"]``. ``__init__`` does no I/O and reads no option, so a
      missing option surfaces where it is needed, as a ``ConfigurationError`` naming the setting.
    * :meth:`send` makes one attempt and never retries or sleeps by itself: the caller owns
      retries, because only it knows (through its claimed ``Notification`` row) whether this
      message was already sent. Raising ``SmsRejected`` means "give up", any other ``SmsError``
      means "try again later". Nothing but ``SmsError`` (and ``ConfigurationError``) escapes.
    * A timeout after the request left is ambiguous: the gateway may have accepted the message.
      Gateways that accept an idempotency key must be given ``message.reference``; for the others
      a retry may deliver the message twice, which for a reminder is the lesser evil.
    * :meth:`parse_delivery_report` verifies authenticity *before* reading the body, compares
      secrets in constant time, touches no database and no network, and maps unknown gateway
      statuses to ``UNKNOWN`` instead of failing (gateways add statuses without notice).
    * Instances hold no per-message state, so one instance may serve concurrent threads.
    """

    @abstractmethod
    def send(self, message: SmsMessage, *, status_callback_url: str | None = None) -> SmsResult:
        """Hand ``message`` to the gateway; return its id and first status.

        ``status_callback_url`` is the absolute URL the gateway should post delivery reports to
        (``None``: no reports). Raise ``SmsRejected`` when the gateway refuses the message for
        good, ``SmsError`` for every other failure, including every ``requests.RequestException``.
        """

    @abstractmethod
    def parse_delivery_report(self, request) -> DeliveryReport:
        """Verify and normalise the gateway's status callback (a Django ``HttpRequest``).

        Raise ``InvalidCallback`` when the signature is missing or wrong, or the body lacks what
        a report needs. Compare signatures with ``hmac.compare_digest``.
        """


_COUNTRY_CODES = {"BE": "32", "NL": "31"}
_ALLOWED_CHARACTERS = re.compile(r"[0-9\s+()./-]+")


def normalize_phone_number(raw: str, default_region: str = "BE") -> str:
    """Turn what people type (``0470 12 34 56``, ``+32 470/12.34.56``, ``0032470123456``,
    ``+31 6 12345678``) into E.164 (``+32470123456``), or raise ``ValueError``.

    Written out rather than taken from ``phonenumbers`` because the counter serves Belgium and
    the Netherlands only: a national number (leading 0) is read in ``default_region``; Belgian
    and Dutch numbers are checked for their exact lengths (BE: 9 digits for mobiles, which start
    with 4, 8 for the rest; NL: 9); other countries only for E.164's 8 to 15 digits.
    """
    if default_region not in _COUNTRY_CODES:
        raise ValueError(_("Only Belgian (BE) and Dutch (NL) numbers can be read without a country code."))
    text = (raw or "").strip()
    if not text:
        raise ValueError(_("The phone number is empty."))
    if not _ALLOWED_CHARACTERS.fullmatch(text) or "+" in text[1:]:
        raise ValueError(_("A phone number holds only digits, spaces and + ( ) . / -."))
    number = _international_digits(text, _COUNTRY_CODES[default_region])
    if not 8 <= len(number) <= 15:
        raise ValueError(_("This phone number is too short or too long."))
    for country_code, check in _NATIONAL_CHECKS.items():
        if number.startswith(country_code) and not check(number[len(country_code) :]):
            raise ValueError(_("This phone number has the wrong number of digits for its country."))
    return "+" + number


def _international_digits(text: str, default_country_code: str) -> str:
    """Digits with the country code in front and no trunk ``0``, whatever way they were typed."""
    international = text.startswith(("+", "00"))
    if international:
        text = text.replace("(0)", "", 1)  # "+32 (0)470 ..." is a common way to write it
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = default_country_code + digits[1:]
    else:
        raise ValueError(_("Start with 0, or with + and the country code."))
    if number.startswith("0"):
        raise ValueError(_("A country code does not start with 0."))
    for country_code in _COUNTRY_CODES.values():
        # "+32 0470 ..." (trunk 0 kept after the country code) is unambiguous here: no Belgian
        # or Dutch number starts with 0 after the country code.
        if number.startswith(country_code + "0"):
            number = country_code + number[len(country_code) + 1 :]
    return number


_NATIONAL_CHECKS = {
    "32": lambda national: len(national) == (9 if national.startswith("4") else 8),
    "31": lambda national: len(national) == 9,
}
