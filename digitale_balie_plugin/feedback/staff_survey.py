"""The short monthly survey for clerks: how satisfied they are with the digital counter and its tools.

One answer per clerk per month (answering again changes it). Managers see averages, and the comments
without names only with the permission to read feedback texts, so a clerk can answer honestly.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digitale_balie_plugin.feedback.forms import SATISFACTION_CHOICES
from digitale_balie_plugin.models import StaffSurveyAnswer
from digitale_balie_plugin.reports import default_site

PERMISSION = "digitale_balie.work_at_counter"
TOOLS_CHOICES = [
    (5, gettext_lazy("Fully agree")),
    (4, gettext_lazy("Agree")),
    (3, gettext_lazy("Neither agree nor disagree")),
    (2, gettext_lazy("Disagree")),
    (1, gettext_lazy("Fully disagree")),
]


def this_month():
    return timezone.localdate().replace(day=1)


def due_for(user) -> bool:
    return not StaffSurveyAnswer.objects.filter(user=user, month=this_month()).exists()


class StaffSurveyForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with working at the digital counter this month?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    tools = forms.TypedChoiceField(
        label=gettext_lazy("The tools (console, video, requests) help me to serve citizens well."),
        choices=TOOLS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = StaffSurveyAnswer
        fields = ["satisfaction", "tools", "comment"]
        labels = {"comment": gettext_lazy("What should we improve? (optional)")}


def staff_survey(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    month = this_month()
    existing = StaffSurveyAnswer.objects.filter(user=request.user, month=month).first()
    form = StaffSurveyForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        answer = form.save(commit=False)
        answer.user, answer.month = request.user, month
        answer.site = answer.site if existing else default_site(request)
        answer.save()
        messages.success(request, _("Thank you. Your answer counts for this month."))
        return redirect("wagtailadmin_home")
    return TemplateResponse(
        request,
        "digitale_balie/admin/staff_survey.html",
        {"form": form, "month": month, "existing": existing},
        status=400 if form.errors else 200,
    )
