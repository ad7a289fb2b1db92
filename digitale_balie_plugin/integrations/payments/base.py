"""Payments integration kind: the contract every payment provider honours and the values that cross it.

Values crossing the boundary are the dataclasses below, never vendor JSON: the payment service, the
webhook view and the templates do not change when a municipality changes provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider, InvalidCallback

__all__ = [
    "CheckoutRequest",
    "InvalidCallback",
    "PaymentError",
    "PaymentProvider",
    "PaymentRejected",
    "ProviderPayment",
    "ProviderRefund",
    "ProviderStatus",
    "RefundStatus",
    "format_amount",
]


class PaymentError(IntegrationError):
    """The provider failed (no answer, timeout, 429, 5xx): the same call may succeed later.

    The message is translated and safe to show to a clerk or citizen; details go to the log.
    """

    default_message = _("The payment service did not answer. Please try again in a moment.")


class PaymentRejected(PaymentError):
    """The provider refused the request for good (4xx: an amount above a method's maximum, a refund
    larger than what is left). Retrying the same request cannot succeed; ``detail`` is the provider's
    own explanation, for the clerk (never shown to citizens)."""

    default_message = _("The payment service refused this request.")

    def __init__(self, message=None, *, detail: str = "", field_name: str = ""):
        self.detail = detail
        self.field_name = field_name
        super().__init__(message)


class ProviderStatus(StrEnum):
    """Where a payment is at the provider, in the words every provider can be mapped onto.

    Called ``ProviderStatus``, not ``PaymentStatus``: that is the domain's status of a payment request
    (``models.PaymentStatus``, which adds ``requested``); this is only what the provider reports.

    Statuses only move forward (``rank``): a late or replayed callback must never take a payment
    from ``paid`` back to ``open``. ``paid``, ``failed``, ``cancelled`` and ``expired`` are final.
    """

    OPEN = "open"
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        return self in (ProviderStatus.PAID, ProviderStatus.FAILED, ProviderStatus.CANCELLED, ProviderStatus.EXPIRED)

    @property
    def rank(self) -> int:
        return (
            3
            if self.is_final
            else (0, 1, 2)[(ProviderStatus.OPEN, ProviderStatus.PENDING, self.AUTHORIZED).index(self)]
        )

    def may_become(self, other: ProviderStatus) -> bool:
        """Whether a report of ``other`` may replace this status (forward only; final is final)."""
        return not self.is_final and other.rank > self.rank


class RefundStatus(StrEnum):
    QUEUED = "queued"
    PENDING = "pending"
    PROCESSING = "processing"
    REFUNDED = "refunded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CheckoutRequest:
    """What we ask a provider to collect.

    ``amount`` is a ``Decimal`` with two decimals in ``currency`` (EUR). ``reference`` is our own
    unique reference (put in the provider's metadata and description, for reconciliation).
    ``idempotency_key`` is ours and stays the same for every retry of this request, so a retry after
    a timeout never creates a second payment. ``language`` is the citizen's (``nl``, ``fr``, ``en``).
    ``webhook_url`` may be empty when the site is not reachable from the internet (development).
    """

    amount: Decimal
    currency: str
    description: str
    reference: str
    idempotency_key: str
    return_url: str
    cancel_url: str
    webhook_url: str
    language: str


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider knows it now."""

    provider_payment_id: str
    status: ProviderStatus
    amount: Decimal
    currency: str = "EUR"
    checkout_url: str = ""
    method: str = ""
    amount_refunded: Decimal = Decimal("0.00")
    paid_at: datetime | None = None
    expires_at: datetime | None = None
    reference: str = ""


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    status: RefundStatus
    amount: Decimal
    currency: str = "EUR"


@dataclass(frozen=True)
class WebhookNotice:
    """A verified notice that a payment changed. It carries no status on purpose: the body of a
    webhook is not trusted, the status is fetched from the provider (:meth:`PaymentProvider.fetch`)."""

    provider_payment_id: str
    extra: dict = field(default_factory=dict)


def format_amount(amount: Decimal) -> str:
    """``Decimal("12.5")`` → ``"12.50"``: providers want a string with exactly two decimals."""
    return f"{Decimal(amount).quantize(Decimal('0.01')):.2f}"


class PaymentProvider(BaseProvider, ABC):
    """Base class of payment providers.

    Lifecycle, relied on by the payment service and the webhook view:

    1. **create** — :meth:`create` registers a payment and returns its ``checkout_url``; the citizen is
       sent there with a full redirect (never an iframe: no card or bank fields on our pages). One
       call, no retries inside; the caller retries with the *same* ``idempotency_key``.
    2. **follow the redirect** — the provider sends the citizen back to ``return_url`` (or
       ``cancel_url``) whatever happened; that visit proves nothing: the return page asks
       :meth:`fetch` and may honestly show "still being processed".
    3. **handle the webhook** — :meth:`parse_webhook` verifies the call (where the provider signs) and
       returns the ids it names, nothing else. It touches no database and no network.
    4. **fetch the status** — :meth:`fetch` is the only source of truth for a payment's status.
    5. **refund** — :meth:`refund` returns money of a paid payment, fully or partly. You may not move
       money anywhere else in a provider.

    Raise :class:`PaymentRejected` for a refusal that cannot succeed on retry, :class:`PaymentError`
    for every other failure (each ``requests.RequestException`` included). Nothing else escapes
    (``ConfigurationError`` aside). Instances hold no per-payment state (one may serve many threads).
    """

    #: The longest description the provider accepts (after our reference is appended).
    max_description_length: int = 255
    currencies: tuple[str, ...] = ("EUR",)

    @abstractmethod
    def create(self, request: CheckoutRequest) -> ProviderPayment:
        """Create the payment; return it with its ``checkout_url``."""

    @abstractmethod
    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        """The payment's status as the provider has it now."""

    @abstractmethod
    def parse_webhook(self, request) -> list[WebhookNotice]:
        """Verify and read a webhook call (a Django ``HttpRequest``); raise ``InvalidCallback``."""

    @abstractmethod
    def refund(
        self, provider_payment_id: str, amount: Decimal, currency: str, description: str, idempotency_key: str
    ) -> ProviderRefund:
        """Return ``amount`` of a paid payment to the citizen."""

    def checkout_origins(self) -> list[str]:
        """Origins the citizen's browser is redirected to for checkout (for the page's CSP
        ``form-action``: browsers apply it to the redirect that follows a form's POST)."""
        return []
