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

import phonenumbers
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


_ALLOWED_CHARACTERS = re.compile(r"[0-9\s+()./-]+")
_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def parse_phone_number(raw: str, default_region: str = "BE") -> phonenumbers.PhoneNumber:
    """What people type (``0470 12 34 56``, ``+32 470/12.34.56``, ``0032 (0)470 12 34 56``, ``06-12345678``
    read in NL, ``+352 621 123 456``) as a valid number, or ``ValueError`` with a reason a citizen can act on.

    Google's numbering data (``phonenumbers``) knows every country's lengths and ranges, including the
    foreign numbers a Belgian city meets (NL, FR, DE, LU …); a number without country code is read in
    ``default_region`` (the site's country).
    """
    text = (raw or "").strip()
    if not text:
        raise ValueError(_("The phone number is empty."))
    if not _ALLOWED_CHARACTERS.fullmatch(text) or "+" in text[1:]:
        raise ValueError(_("A phone number holds only digits, spaces and + ( ) . / -."))
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("Start with 0, or with + and the country code.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("This phone number does not exist. Check the digits and the country code."))
    return number


def normalize_phone_number(raw: str, default_region: str = "BE", *, mobile: bool = False) -> str:
    """:func:`parse_phone_number` as E.164 (``+32470123456``), the one form we store and send to.
    With ``mobile``, a number that cannot receive an SMS (a landline) is refused too."""
    number = parse_phone_number(raw, default_region)
    if mobile and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValueError(_("This is not a mobile number: it cannot receive an SMS."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone_number(e164: str) -> str:
    """How a stored number is shown and read back to a caller: ``+32 470 12 34 56`` (the international
    form, grouped the way the number's own country writes it). Anything unreadable is shown as it is."""
    try:
        number = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return e164 or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
