"""What the clerk's panel shows of a verification: the hand-over while it is open, then the outcome,
limited to what the service needs (``Service.identity_data``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.actions.presentation import handover_view
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.integrations.identity.registry import identity_provider_for
from digitale_balie_plugin.models import AssuranceLevel, FailureReason, VerificationData


def clerk_view(action) -> dict:
    verification = getattr(action, "identity", None)
    if verification is None:
        return {}
    shows = verification.visible_data
    outcome = {
        "required_level": AssuranceLevel(verification.required_level).label,
        "level": AssuranceLevel(verification.level).label if verification.level else "",
        "provider": _provider_title(verification.provider),
        "verified_at": (
            timezone.localtime(verification.verified_at, app_settings.TIME_ZONE).strftime("%H:%M")
            if verification.verified_at
            else ""
        ),
        "expects_someone": verification.expects_someone,
        "matches_expected": verification.matches_expected,
        "reason": FailureReason(verification.failure_reason).label if verification.failure_reason else "",
        "name": (
            f"{verification.given_name} {verification.family_name}".strip()
            if shows in (VerificationData.NAME, VerificationData.NAME_BIRTH_DATE)
            else ""
        ),
        "birth_date": verification.birth_date if shows == VerificationData.NAME_BIRTH_DATE else None,
        "personal_data_deleted": bool(verification.personal_data_deleted_at),
    }
    return {"identity": outcome, "handover": handover_view(action)}


def summary_details(verification) -> tuple[tuple[str, str], ...]:
    """How and when a verification succeeded, for the citizen's summary (nothing that identifies them)."""
    details = [(str(_("With")), _provider_title(verification.provider))] if verification.provider else []
    if verification.level:
        details.append((str(_("Level")), str(AssuranceLevel(verification.level).label)))
    local = timezone.localtime(verification.verified_at, app_settings.TIME_ZONE)
    details.append((str(_("Time")), local.strftime("%H:%M")))
    return tuple(details)


def _provider_title(name: str) -> str:
    backend = identity_provider_for(name) if name else None
    return backend.display_name() if backend else name
