"""The clerk's "Verify identity" request, as an in-call action type.

The clerk may say whom they expect (a national register number from the dossier, or name and birth
date) and which level is needed; the service's preset is the floor. What is expected is kept only as
a keyed hash (the number) or for the comparison (name, birth date), and cleared with the result.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions.registry import ActionType, SummaryEntry, register_action_type
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.identity import national_number
from digitale_balie_plugin.identity.presentation import clerk_view, summary_details
from digitale_balie_plugin.links import citizen_url
from digitale_balie_plugin.models import (
    ActionStatus,
    AssuranceLevel,
    FailureReason,
    IdentityVerification,
    VerificationData,
)
from digitale_balie_plugin.models.choices import LEVEL_ORDER


class VerifyIdentityForm(forms.Form):
    required_level = forms.ChoiceField(
        label=_("Level needed"),
        required=False,
        choices=[("", _("As the service asks")), *AssuranceLevel.choices],
        help_text=_("The service's level is the minimum."),
    )
    expected_national_number = forms.CharField(
        label=_("Expected national register number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Not stored: only a keyed hash, to check it is the same person."),
    )
    expected_name = forms.CharField(label=_("Expected name (optional)"), required=False, max_length=200)
    expected_birth_date = forms.DateField(
        label=_("Expected birth date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expected_national_number(self):
        value = self.cleaned_data["expected_national_number"]
        if value and not national_number.is_valid(value):
            raise forms.ValidationError(_("This is not a valid national register number."))
        return national_number.normalise(value)


@register_action_type
class VerifyIdentity(ActionType):
    identifier = "verify_identity"
    feature = Feature.IDENTITY
    label = _("Verify identity")
    icon = "key"
    expires_minutes = 30
    clerk_form_class = VerifyIdentityForm
    handover = True
    citizen_roles = ("citizen",)
    citizen_template = "digitale_balie/actions/verify_identity_citizen.html"
    clerk_template = "digitale_balie/actions/verify_identity_clerk.html"
    detail_relation = "identity"

    def build_payload(self, cleaned_data: dict) -> dict:
        # Nothing personal in the generic payload: the typed row holds it (and forgets it in time).
        return {"expects_someone": bool(_expected(cleaned_data))}

    def created(self, action, cleaned_data: dict) -> None:
        service = action.session.service
        floor = service.identity_level if service else AssuranceLevel.SUBSTANTIAL
        chosen = cleaned_data.get("required_level") or floor
        level = max(chosen, floor, key=lambda value: LEVEL_ORDER.get(value, 0))
        number = cleaned_data.get("expected_national_number") or ""
        IdentityVerification.objects.create(
            action=action,
            required_level=level,
            visible_data=service.identity_data if service else VerificationData.NAME_BIRTH_DATE,
            expected_national_number_hash=national_number.keyed_hash(number) if number else "",
            expected_name=cleaned_data.get("expected_name") or "",
            expected_birth_date=cleaned_data.get("expected_birth_date"),
        )

    def status_changed(self, action, previous: str, status: str) -> None:
        if status == ActionStatus.EXPIRED:
            IdentityVerification.objects.filter(action=action, failure_reason="").update(
                failure_reason=FailureReason.EXPIRED
            )

    def citizen_url(self, action) -> str | None:
        return citizen_url(action.session.site, "verify", action.pk)

    def citizen_summary(self, action) -> dict:
        return {
            "text": str(_("The clerk asks you to show who you are, with itsme or your eID. It takes one minute.")),
            "url": self.citizen_url(action),
            "url_label": str(_("Show who you are")),
        }

    def clerk_context(self, action) -> dict:
        return clerk_view(action)

    def summary_entry(self, action) -> SummaryEntry | None:
        """Verified or not, how and when: never a name, birth date or number (the summary goes by e-mail)."""
        verification = getattr(action, "identity", None)
        verified = verification is not None and verification.verified_at is not None
        return SummaryEntry(
            label=str(_("Identity check")),
            status=str(_("Your identity was verified.") if verified else _("Your identity was not verified.")),
            details=summary_details(verification) if verified else (),
        )


def _expected(data: dict) -> list:
    return [value for key, value in data.items() if key.startswith("expected_") and value]
