"""The admin's "retry now" for a case record the CRM did not take (a confirmation page, then a POST)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from digitale_balie_plugin.cases.service import retry_now
from digitale_balie_plugin.models import CaseRecord, scope_to_seats

PERMISSION = "digitale_balie.change_caserecord"


def retry(request, case_id):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    cases = scope_to_seats(CaseRecord.objects.select_related("session__site"), request.user, ("session__seat",))
    case = get_object_or_404(cases, pk=case_id)  # another seat's record: 404, as the case record list
    if request.method == "POST":
        retry_now(case, user=request.user)
        messages.success(request, _("The case record will be sent again now."))
        return HttpResponseRedirect(reverse("digitale_balie_caserecord_modeladmin_index"))
    return TemplateResponse(request, "digitale_balie/admin/case_retry.html", {"case": case})
