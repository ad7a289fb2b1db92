"""What a strong-identity verification asked for and what came back.

One row per "Verify identity" action (a one-to-one extension of ``InCallAction``: the status machine,
hand-over, expiry and audit stay there). Only what the conversation needs is kept, and only for the
retention period: name, birth date, level of assurance, provider, time, and a keyed hash of the
national register number — never the number in clear, never the provider's raw tokens.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.models.actions import InCallAction
from digitale_balie_plugin.models.choices import AssuranceLevel, VerificationData


class FailureReason(models.TextChoices):
    CANCELLED = "cancelled", _("The citizen stopped at the identity provider.")
    LEVEL_TOO_LOW = "level_too_low", _("The login was not strong enough for this service.")
    EXPIRED = "expired", _("The request expired before the citizen finished.")
    MISMATCH = "mismatch", _("The person who logged in is not the expected person.")
    PROVIDER_UNAVAILABLE = "provider_unavailable", _("The identity provider could not be reached.")
    # The provider answered, and refused this site's client (token endpoint HTTP 4xx): only the
    # administrator can fix it, so it must not read as "try again later".
    PROVIDER_REFUSED = (
        "provider_refused",
        _(
            "The identity provider refused the settings of this website. Trying again will not help. "
            "The administrator must fix it."
        ),
    )
    INVALID_RESPONSE = "invalid_response", _("The identity provider's answer did not pass our checks.")
    SESSION_LOST = "session_lost", _("The login was not started in this browser, or it was started twice.")
    MISSING_DATA = "missing_data", _("The identity provider did not send the data we need.")
    CODE_LOCKED = "code_locked", _("Too many wrong codes were typed.")


class IdentityVerification(models.Model):
    action = models.OneToOneField(
        InCallAction, on_delete=models.CASCADE, primary_key=True, related_name="identity", verbose_name=_("action")
    )
    required_level = models.CharField(
        _("level required"), max_length=12, choices=AssuranceLevel.choices, default=AssuranceLevel.SUBSTANTIAL
    )
    visible_data = models.CharField(
        _("clerk sees"), max_length=20, choices=VerificationData.choices, default=VerificationData.NAME_BIRTH_DATE
    )
    # What the clerk expects (optional). The number is only ever kept as a keyed hash.
    expected_national_number_hash = models.CharField(max_length=64, blank=True)
    expected_name = models.CharField(_("expected name"), max_length=200, blank=True)
    expected_birth_date = models.DateField(_("expected birth date"), null=True, blank=True)
    # What came back.
    provider = models.CharField(_("identity provider"), max_length=40, blank=True)
    acr = models.CharField(_("authentication context"), max_length=200, blank=True)
    level = models.CharField(_("level reached"), max_length=12, choices=AssuranceLevel.choices, blank=True)
    given_name = models.CharField(_("given name"), max_length=200, blank=True)
    family_name = models.CharField(_("family name"), max_length=200, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    national_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    matches_expected = models.BooleanField(_("matches the expected person"), null=True)
    failure_reason = models.CharField(_("reason"), max_length=24, choices=FailureReason.choices, blank=True)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")

    def __str__(self) -> str:
        return f"{self.action} {self.level or self.failure_reason}"

    @property
    def expects_someone(self) -> bool:
        return bool(self.expected_national_number_hash or self.expected_name or self.expected_birth_date)
