"""Record the outcome of a verification: compare, minimise, store, audit, announce.

One place decides what is kept (``IdentityVerification`` fields), what the clerk is told
(``presentation``) and what the rest of the system hears (signals with no identifiers in clear).
"""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.identity import national_number
from digitale_balie_plugin.integrations.identity.base import FailedCheck
from digitale_balie_plugin.models import ActionStatus, FailureReason, IdentityVerification
from digitale_balie_plugin.models.audit import AuditEvent, record
from digitale_balie_plugin.models.choices import level_at_least
from digitale_balie_plugin.signals import identity_verification_failed, identity_verified

VERIFY_KIND = "verify_identity"


def verification_for(action_id) -> IdentityVerification | None:
    return (
        IdentityVerification.objects.select_related("action", "action__session", "action__session__site")
        .filter(action_id=action_id, action__kind=VERIFY_KIND)
        .first()
    )


def start(verification: IdentityVerification, provider: str) -> bool:
    """The citizen left for the identity provider ("at the identity provider" on the console)."""
    action = verification.action
    if action.status == ActionStatus.IN_PROGRESS:
        return True
    return transition(action, ActionStatus.IN_PROGRESS, actor_label="citizen", reason=f"provider {provider}")


def complete(verification: IdentityVerification, identity) -> bool:
    """Store a successful login; the request ends ``completed`` or ``failed`` (level, mismatch)."""
    action = verification.action
    if action.is_final:
        return False
    if not identity.level or not level_at_least(identity.level, verification.required_level):
        return fail(verification, FailureReason.LEVEL_TOO_LOW, identity=identity, check=FailedCheck.LEVEL)
    matches = _matches(verification, identity)
    with transaction.atomic():
        _store(verification, identity, matches)
        if matches is False:
            return _finish_failed(verification, FailureReason.MISMATCH, check=FailedCheck.EXPECTED_PERSON)
        moved = transition(action, ActionStatus.COMPLETED, actor_label="citizen", result=_result(verification))
        if moved:
            record(
                "identity.verified",
                verification,
                actor_label="citizen",
                site=action.session.site,
                provider=identity.provider,
                level=identity.level,
                acr=identity.acr,
                matches_expected=matches,
            )
            transaction.on_commit(
                lambda: identity_verified.send(
                    sender=IdentityVerification, verification=verification, action=verification.action
                )
            )
    return moved


def fail(
    verification: IdentityVerification,
    reason: str,
    *,
    identity=None,
    detail: str = "",
    check: str = "",
    provider: str = "",
) -> bool:
    """End the request as failed with a reason the clerk can act on; the audit event says which check
    failed (``check``, a :class:`FailedCheck`, ``""`` when none did) and ``detail`` what the operator needs.

    ``provider`` is the backend the citizen came back from, when no identity was read (the answer was
    refused before): the clerk and the status page then still see which provider failed."""
    if verification.action.is_final:
        return False
    with transaction.atomic():
        if identity is not None:
            # Say which provider and level were used, but keep no personal data of a failed login.
            verification.provider = identity.provider
            verification.acr = identity.acr[:200]
            verification.level = identity.level or ""
            verification.save(update_fields=["provider", "acr", "level"])
        elif provider:
            verification.provider = provider[:40]
            verification.save(update_fields=["provider"])
        return _finish_failed(verification, reason, detail=detail, check=check)


def _finish_failed(verification, reason, *, detail: str = "", check: str = "") -> bool:
    action = verification.action
    IdentityVerification.objects.filter(pk=verification.pk).update(failure_reason=reason)
    verification.failure_reason = reason
    moved = transition(action, ActionStatus.FAILED, actor_label="citizen", reason=reason, result=_result(verification))
    if moved:
        record(
            "identity.failed",
            verification,
            actor_label="citizen",
            site=action.session.site,
            reason=reason,
            check=str(check),
            detail=detail[:200],
            provider=verification.provider,
        )
        transaction.on_commit(
            lambda: identity_verification_failed.send(
                sender=IdentityVerification, verification=verification, action=verification.action, reason=reason
            )
        )
    return moved


def unresolved_refusal(provider: str) -> dict | None:
    """The provider's last refusal of our client (token endpoint HTTP 4xx) when no login through it has
    succeeded since, as ``{"at": datetime, "detail": str}``; else ``None``.

    A refusal is the operator's to fix (keys, algorithms, client id), and nobody else reads the log, so
    the integrations status page shows it until a login works again."""
    refused = Q(action="identity.failed", data__reason=FailureReason.PROVIDER_REFUSED)
    last = (
        AuditEvent.objects.filter(data__provider=provider)
        .filter(Q(action="identity.verified") | refused)
        .order_by("-timestamp", "-pk")
        .values("action", "timestamp", "data")
        .first()
    )
    if last is None or last["action"] != "identity.failed":
        return None
    return {"at": last["timestamp"], "detail": last["data"].get("detail", "")}


def _store(verification, identity, matches) -> None:
    verification.provider = identity.provider
    verification.acr = identity.acr[:200]
    verification.level = identity.level or ""
    verification.given_name = identity.given_name
    verification.family_name = identity.family_name
    verification.birth_date = identity.birth_date
    verification.national_number_hash = national_number.keyed_hash(identity.national_number)
    verification.verified_at = identity.authenticated_at or timezone.now()
    verification.matches_expected = matches
    verification.save()


def _result(verification) -> dict:
    """The action's JSON result: the outcome without personal data (the typed row holds that)."""
    return {
        "provider": verification.provider,
        "level": verification.level,
        "matches_expected": verification.matches_expected,
        "reason": verification.failure_reason,
    }


def _matches(verification, identity) -> bool | None:
    """``None`` when nothing was expected; otherwise every expectation the clerk gave must hold."""
    if not verification.expects_someone:
        return None
    checks = []
    if verification.expected_national_number_hash:
        actual = national_number.keyed_hash(identity.national_number) if identity.national_number else ""
        checks.append(bool(actual) and actual == verification.expected_national_number_hash)
    if verification.expected_birth_date:
        checks.append(identity.birth_date == verification.expected_birth_date)
    if verification.expected_name:
        checks.append(same_name(verification.expected_name, f"{identity.given_name} {identity.family_name}"))
    return all(checks)


def _name_tokens(value: str) -> set[str]:
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return {token for token in "".join(ch if ch.isalnum() else " " for ch in plain).split() if token}


def same_name(expected: str, actual: str) -> bool:
    """Order, case, accents and hyphens don't matter ("Van den Broeck, Anne-Marie" = "Anne Marie van den
    Broeck"); every word the clerk typed must be in the official name, and the family name must be there."""
    wanted, official = _name_tokens(expected), _name_tokens(actual)
    return bool(wanted) and wanted <= official and len(wanted) >= min(2, len(official))
