"""Payment requests through their lifecycle: checkout, statuses (forward only), refunds.

Rules this module keeps, whatever the provider:

* The provider is called outside database transactions (a slow provider must not hold locks), but
  every call is prepared in one first: the attempt (or refund) row with *our* idempotency key is
  committed before the call, so a retry after a timeout replays the same request at the provider.
* A status is only ever taken from :meth:`PaymentProvider.fetch` or the answer to ``create``, never
  from a webhook's body, and only moves forward: a late or replayed "open" never undoes "paid".
* One request, one payment: a new checkout is only made when the previous one ended without money.
* Every change writes an audit event and reaches both screens live; "paid" sends the receipt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin import live
from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.integrations.payments.base import (
    CheckoutRequest,
    PaymentError,
    PaymentRejected,
    ProviderPayment,
    ProviderStatus,
)
from digitale_balie_plugin.integrations.payments.registry import get_payments_provider, payments_provider_for
from digitale_balie_plugin.jobs import enqueue_on_commit
from digitale_balie_plugin.models import ActionStatus, Payment, PaymentAttempt, PaymentStatus, Refund
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.payments import RefundStatus
from digitale_balie_plugin.payments.money import euro
from digitale_balie_plugin.signals import payment_refunded, payment_status_changed

logger = logging.getLogger("digitale_balie.payments")

PAYMENT_KIND = "request_payment"
#: Attempt statuses during which the citizen may be paying right now.
BUSY = (PaymentStatus.OPEN, PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)
#: How long an unanswered ``create`` may still have reached the provider (its idempotency window).
UNANSWERED_WINDOW = timedelta(hours=1)
#: The return page asks the provider at most this often per attempt (the webhook is the normal way).
REFRESH_EVERY = timedelta(seconds=4)


class PaymentClosed(CounterError):
    default_message = _("This payment request is closed. Ask the clerk for a new one if needed.")


class AlreadyPaid(CounterError):
    default_message = _("This is already paid. Thank you.")


class StillProcessing(CounterError):
    default_message = _("Your payment is being processed. Wait a moment: this page updates by itself.")


class TooManyAttempts(CounterError):
    default_message = _("You tried to pay too many times. Ask the clerk for a new payment request.")


@dataclass(frozen=True)
class CheckoutUrls:
    return_url: str
    cancel_url: str
    webhook_url: str


def payment_for(action_id) -> Payment | None:
    return (
        Payment.objects.select_related("action", "action__session", "action__session__site", "action__session__service")
        .filter(action_id=action_id, action__kind=PAYMENT_KIND)
        .first()
    )


def create_request(action, cleaned_data: dict) -> Payment:
    """The clerk's request (inside the action's creating transaction)."""
    return Payment.objects.create(
        action=action,
        amount=cleaned_data["amount"],
        currency=cleaned_data.get("currency") or "EUR",
        description=cleaned_data["description"],
        provider=get_payments_provider().identifier,
    )


def latest_attempt(payment: Payment) -> PaymentAttempt | None:
    return payment.attempts.order_by("-created_at", "-pk").first()


def is_busy(payment: Payment) -> bool:
    """Whether the citizen may be paying right now (then the request must not expire or be withdrawn)."""
    attempt = latest_attempt(payment)
    if attempt is None:
        return False
    if attempt.status == PaymentStatus.REQUESTED:
        return attempt.created_at > timezone.now() - UNANSWERED_WINDOW
    return attempt.status in BUSY


# --- checkout -------------------------------------------------------------------------------------


def checkout(payment: Payment, *, language: str, receipt_email: str, urls: CheckoutUrls) -> str:
    """The provider's checkout URL for this request: the open one, or a new one. Raises ``CounterError``s."""
    for _round in range(2):
        attempt = _attempt_for_checkout(payment, language, receipt_email)
        if attempt.status != PaymentStatus.OPEN or not attempt.checkout_url:
            return _create_at_provider(payment, attempt, language, urls)
        try:  # the citizen comes back to an open checkout: is it still open (it may have expired)?
            sync(attempt)
        except PaymentError:
            return attempt.checkout_url
        attempt.refresh_from_db()
        if attempt.status == PaymentStatus.OPEN:
            return attempt.checkout_url
    raise PaymentClosed()


def _attempt_for_checkout(payment: Payment, language: str, receipt_email: str) -> PaymentAttempt:
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).select_related("action").get(pk=payment.pk)
        if locked.status == PaymentStatus.PAID:
            raise AlreadyPaid()
        if not locked.action.is_open:
            raise PaymentClosed()
        locked.language = (language or "nl")[:8]
        locked.receipt_email = receipt_email or locked.receipt_email
        locked.save(update_fields=["language", "receipt_email", "updated_at"])
        latest = latest_attempt(locked)
        if latest is not None and latest.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED):
            raise StillProcessing()
        if latest is not None and latest.status in (PaymentStatus.REQUESTED, PaymentStatus.OPEN):
            return latest  # retried with the same idempotency key, or the same checkout
        if locked.attempts.count() >= app_settings.PAYMENT_MAX_ATTEMPTS:
            raise TooManyAttempts()
        attempt = PaymentAttempt.objects.create(payment=locked, provider=locked.provider)
        record(
            "payment.checkout_started",
            locked,
            actor_label="citizen",
            site=locked.action.session.site,
            attempt=attempt.pk,
        )
    return attempt


def _create_at_provider(payment: Payment, attempt: PaymentAttempt, language: str, urls: CheckoutUrls) -> str:
    provider = _provider(payment)
    request = CheckoutRequest(
        amount=payment.amount,
        currency=payment.currency,
        description=f"{payment.description} ({payment.reference})",
        reference=payment.reference,
        idempotency_key=attempt.idempotency_key,
        return_url=urls.return_url,
        cancel_url=urls.cancel_url,
        webhook_url=urls.webhook_url,
        language=language,
    )
    try:
        remote = provider.create(request)
        apply(attempt, remote)
    except PaymentError as exc:
        attempt.refresh_from_db()
        if attempt.status == PaymentStatus.OPEN and attempt.checkout_url:
            return attempt.checkout_url  # a simultaneous click (same key) got the checkout first
        _note_problem(payment, attempt, exc)
        raise
    if not remote.checkout_url:
        raise PaymentError()
    return remote.checkout_url


def _provider(payment: Payment):
    provider = payments_provider_for(payment.provider)
    if provider is None:
        logger.error("Payment %s was made with provider %r, which is not configured now.", payment.pk, payment.provider)
        raise PaymentError()
    return provider


def _note_problem(payment: Payment, attempt: PaymentAttempt, exc: PaymentError) -> None:
    """The clerk sees what went wrong on the panel; the request stays retryable (same key)."""
    message = str(exc.message)[:200]
    Payment.objects.filter(pk=payment.pk).update(last_error=message, updated_at=timezone.now())
    if isinstance(exc, PaymentRejected) and attempt.status == PaymentStatus.REQUESTED:
        # Refused for good: this attempt can never succeed, so it must not block a new one.
        PaymentAttempt.objects.filter(pk=attempt.pk).update(status=PaymentStatus.FAILED, updated_at=timezone.now())
    record(
        "payment.provider_error",
        payment,
        actor_label="system",
        site=payment.action.session.site,
        attempt=attempt.pk,
        error=type(exc).__name__,
        detail=getattr(exc, "detail", "")[:200],
    )
    session = payment.action.session
    transaction.on_commit(lambda: live.bump(session))


# --- statuses -------------------------------------------------------------------------------------


def sync(attempt: PaymentAttempt) -> bool:
    """Ask the provider for the attempt's status and apply it. Raises ``PaymentError``."""
    if not attempt.provider_payment_id:
        return False
    provider = _provider(attempt.payment)
    return apply(attempt, provider.fetch(attempt.provider_payment_id))


def sync_notified(provider_id: str, provider_payment_id: str) -> bool | None:
    """A webhook named ``provider_payment_id``: ``None`` when it is not ours (nothing happens),
    else whether the status moved. Raises ``PaymentError`` when the provider cannot be asked."""
    attempt = (
        PaymentAttempt.objects.select_related("payment")
        .filter(provider=provider_id, provider_payment_id=provider_payment_id)
        .first()
    )
    if attempt is None:
        return None
    return sync(attempt)


def refresh_if_stale(payment: Payment) -> None:
    """For the return page: ask the provider now and then while the outcome is unknown (a webhook may
    not reach a development machine, or may be late). Several open tabs cause one call, not many."""
    attempt = latest_attempt(payment)
    if attempt is None or not attempt.provider_payment_id or attempt.status not in BUSY:
        return
    now = timezone.now()
    due = Q(checked_at__isnull=True) | Q(checked_at__lt=now - REFRESH_EVERY)
    if not PaymentAttempt.objects.filter(due, pk=attempt.pk).update(checked_at=now):
        return
    try:
        sync(attempt)
    except PaymentError:
        logger.info("Payment %s: the provider could not be asked now; the page will ask again.", payment.pk)


def apply(attempt: PaymentAttempt, remote: ProviderPayment) -> bool:
    """Apply what the provider says; return whether the status moved (idempotent, forward only)."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("action__session__site")
            .get(pk=attempt.payment_id)
        )
        if attempt.provider_payment_id and attempt.provider_payment_id != remote.provider_payment_id:
            raise PaymentError()  # never let one payment's status land on another
        if remote.amount != payment.amount or remote.currency != payment.currency:
            return _amount_mismatch(payment, attempt, remote)
        previous = attempt.status
        moved = previous == PaymentStatus.REQUESTED or ProviderStatus(previous).may_become(remote.status)
        fields = {"checked_at": timezone.now(), "provider_payment_id": remote.provider_payment_id}
        if remote.checkout_url:
            fields["checkout_url"] = remote.checkout_url
        if moved:
            fields.update(status=remote.status.value, method=remote.method or attempt.method)
        PaymentAttempt.objects.filter(pk=attempt.pk).update(**fields)
        if moved:
            _payment_moved(payment, attempt, remote)
        elif payment.is_paid and payment.provider_payment_id == remote.provider_payment_id:
            _follow_refunds(payment, remote)
    return moved


def _amount_mismatch(payment, attempt, remote) -> bool:
    logger.error(
        "Payment %s: the provider reports %s %s, we asked %s.",
        payment.pk,
        remote.amount,
        remote.currency,
        payment.amount,
    )
    record(
        "payment.amount_mismatch",
        payment,
        actor_label="system",
        site=payment.action.session.site,
        attempt=attempt.pk,
        provider_payment_id=remote.provider_payment_id,
    )
    return False


def _payment_moved(payment: Payment, attempt: PaymentAttempt, remote: ProviderPayment) -> None:
    previous, status = payment.status, remote.status.value
    payment.status = status
    payment.last_error = ""
    update = ["status", "last_error", "updated_at"]
    if remote.status == ProviderStatus.PAID:
        payment.paid_at = remote.paid_at or timezone.now()
        payment.method = remote.method
        payment.provider_payment_id = remote.provider_payment_id
        payment.amount_refunded = remote.amount_refunded
        update += ["paid_at", "method", "provider_payment_id", "amount_refunded"]
    payment.save(update_fields=update)
    session = payment.action.session
    record(
        "payment.status",
        payment,
        actor_label="system",
        site=session.site,
        previous=previous,
        status=status,
        attempt=attempt.pk,
        provider=payment.provider,
        provider_payment_id=remote.provider_payment_id,
        method=remote.method,
    )
    _move_action(payment, remote.status)
    transaction.on_commit(lambda: live.bump(session))
    transaction.on_commit(
        lambda: payment_status_changed.send(sender=Payment, payment=payment, previous=previous, status=status)
    )
    if remote.status == ProviderStatus.PAID:
        enqueue_on_commit("send_payment_receipt_task", payment.pk)


def _move_action(payment: Payment, status: ProviderStatus) -> None:
    action = payment.action
    if status == ProviderStatus.PAID:
        if not transition(action, ActionStatus.COMPLETED, result={"reference": payment.reference, "status": "paid"}):
            record("payment.paid_after_close", payment, actor_label="system", site=action.session.site)
    elif status.is_final:
        if payment.attempts.count() >= app_settings.PAYMENT_MAX_ATTEMPTS:
            transition(action, ActionStatus.FAILED, reason=f"payment {status.value}, no attempts left")
    elif action.status in (ActionStatus.SENT, ActionStatus.OPENED):
        transition(action, ActionStatus.IN_PROGRESS, actor_label="citizen", reason=f"payment {status.value}")


def _follow_refunds(payment: Payment, remote: ProviderPayment) -> None:
    """Refunds made in the provider's dashboard count too (the provider's figure is the truth)."""
    if remote.amount_refunded > payment.amount_refunded:
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=remote.amount_refunded, updated_at=timezone.now())
        record(
            "payment.refund_seen",
            payment,
            actor_label="system",
            site=payment.action.session.site,
            amount_refunded=str(remote.amount_refunded),
        )


# --- refunds --------------------------------------------------------------------------------------


def refund(payment: Payment, amount: Decimal, reason: str, *, by_user) -> Refund:
    """Return money to the citizen; raises ``CounterError`` with a message for the clerk."""
    pending = _prepare_refund(payment, amount, reason, by_user)
    provider = _provider(payment)
    try:
        remote = provider.refund(
            payment.provider_payment_id,
            pending.amount,
            payment.currency,
            f"{reason} ({payment.reference})",
            pending.idempotency_key,
        )
    except PaymentRejected as exc:
        Refund.objects.filter(pk=pending.pk).update(status=RefundStatus.FAILED)
        record(
            "payment.refund_refused", payment, user=by_user, site=payment.action.session.site, detail=exc.detail[:200]
        )
        raise CounterError(
            _("The payment service refused the refund: %(detail)s") % {"detail": exc.detail or exc.message}
        ) from exc
    except PaymentError:
        record("payment.refund_unanswered", payment, user=by_user, site=payment.action.session.site, refund=pending.pk)
        raise
    with transaction.atomic():
        Refund.objects.filter(pk=pending.pk).update(
            provider_refund_id=remote.provider_refund_id, status=remote.status.value
        )
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=F("amount_refunded") + pending.amount)
        pending.refresh_from_db()
        record(
            "payment.refunded",
            payment,
            user=by_user,
            site=payment.action.session.site,
            amount=str(pending.amount),
            provider_refund_id=remote.provider_refund_id,
        )
        session = payment.action.session
        transaction.on_commit(lambda: live.bump(session))
        transaction.on_commit(lambda: payment_refunded.send(sender=Payment, payment=payment, refund=pending))
    payment.refresh_from_db()
    return pending


def _prepare_refund(payment: Payment, amount: Decimal, reason: str, by_user) -> Refund:
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        if not locked.is_paid:
            raise CounterError(_("Only a paid payment can be refunded."))
        unanswered = locked.refunds.filter(status=RefundStatus.QUEUED, provider_refund_id="").first()
        if unanswered is not None:
            if unanswered.amount != amount:
                raise CounterError(
                    _("An earlier refund of %(amount)s was not confirmed. Try that amount again first.")
                    % {"amount": euro(unanswered.amount)}
                )
            return unanswered  # same idempotency key: the provider refunds once
        if amount <= 0 or amount > locked.refundable:
            raise CounterError(_("You can refund at most %(left)s.") % {"left": euro(locked.refundable)})
        pending = Refund.objects.create(payment=locked, amount=amount, reason=reason[:200], created_by=by_user)
        record(
            "payment.refund_requested",
            locked,
            user=by_user,
            site=payment.action.session.site,
            amount=str(amount),
            refund=pending.pk,
        )
    return pending
