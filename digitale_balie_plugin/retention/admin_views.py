"""The admin's "Citizen data" screen: find everything held about one citizen, download it as JSON, erase it.

Every step is a POST (the national register number must never end up in a URL or a server log): search →
preview with counts per kind → "Download (JSON)" or "Erase" → confirmation → erased. After the search the
page only carries the number's keyed hash, never the number. The work is done by ``retention.rights``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from digitale_balie_plugin.identity import national_number
from digitale_balie_plugin.models import scope_to_seats
from digitale_balie_plugin.retention import rights

PERMISSION = "digitale_balie.manage_personal_data"

#: The preview's rows, in the export's keys.
KINDS = {
    "appointments": gettext_lazy("Appointments"),
    "conversations": gettext_lazy("Conversations"),
    "in_call_actions": gettext_lazy("Actions during conversations"),
    "identity_verifications": gettext_lazy("Verified identities"),
    "payments": gettext_lazy("Payments"),
    "documents": gettext_lazy("Documents"),
    "signature_requests": gettext_lazy("Signatures"),
    "application_forms": gettext_lazy("Application forms"),
    "feedback": gettext_lazy("Feedback"),
}

#: What an erasure reports, in ``rights.erase``'s keys.
ERASED = {
    "cancelled_appointments": gettext_lazy("Appointments still to come, cancelled"),
    "appointments": gettext_lazy("Appointments"),
    "sessions": gettext_lazy("Conversations"),
    "notes": gettext_lazy("Notes"),
    "identities": gettext_lazy("Verified identities"),
    "payments": gettext_lazy("Payments (kept, without the receipt address)"),
    "documents": gettext_lazy("Documents"),
    "signatures": gettext_lazy("Signatures"),
    "submissions": gettext_lazy("Application forms"),
    "feedback": gettext_lazy("Feedback"),
}


class CitizenDataForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.order_by("site_name", "hostname"), label=gettext_lazy("Site"))
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    number = forms.CharField(
        label=gettext_lazy("National register number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("We do not keep the number. We only compare it with verified identities."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    identity_hash = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        """Only the sites of the seats ``user`` may see: a site's citizens are not another site's staff's."""
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = scope_to_seats(self.fields["site"].queryset, user, seat_paths=(), site_path="pk")

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number and not national_number.is_valid(number):
            raise forms.ValidationError(_("This is not a valid national register number. Check the 11 digits."))
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("number"):
            cleaned["identity_hash"] = national_number.keyed_hash(cleaned["number"])
        cleaned["number"] = ""
        if not self.errors and not cleaned.get("email") and not cleaned.get("identity_hash"):
            raise forms.ValidationError(_("Type an e-mail address, a national register number, or both."))
        return cleaned

    def state(self) -> dict:
        """What the next step posts again: the hash, never the number."""
        data = self.cleaned_data
        return {"site": data["site"].pk, "email": data.get("email") or "", "identity_hash": data["identity_hash"]}


def citizen_data(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, CitizenDataForm(initial={"site": Site.find_for_request(request)}, user=request.user))
    form = CitizenDataForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form)
    data = form.cleaned_data
    found = rights.find(data["site"], email=data.get("email", ""), identity_hash=data["identity_hash"])
    step = request.POST.get("step")
    if step == "download":
        return _download(request, found)
    if step == "erase_confirmed":
        erased = rights.erase(found, user=request.user)
        messages.success(request, _("The citizen's data has been erased."))
        erased_rows = [(label, erased[kind]) for kind, label in ERASED.items()]
        return _page(request, _search_form(request, form), erased=erased_rows)
    template = "citizen_data_confirm" if step == "erase" else "citizen_data"
    counts = rights.counts(rights.export(found))
    rows = [(label, counts[kind]) for kind, label in KINDS.items()]
    context = {"rows": rows, "total": sum(counts.values()), "state": form.state()}
    return _page(request, _search_form(request, form), template=template, **context)


def _search_form(request, form):
    """A fresh search form with the address and site, the number field empty (it is never shown again)."""
    data = form.cleaned_data
    return CitizenDataForm(initial={"site": data["site"], "email": data.get("email")}, user=request.user)


def _page(request, form, *, template: str = "citizen_data", **context):
    return TemplateResponse(request, f"digitale_balie/admin/{template}.html", {"form": form, **context})


def _download(request, found):
    exported = rights.export(found)
    rights.record_export(found, exported, user=request.user)
    response = JsonResponse(exported, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="citizen-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
