"""The success dashboard in the admin: the figures the digital counter is judged by, per period and service."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from digitale_balie_plugin.dashboard import metrics, presentation
from digitale_balie_plugin.dashboard.period import PeriodForm
from digitale_balie_plugin.models import StaffSurveyAnswer
from digitale_balie_plugin.reports import default_site

PERMISSION = "digitale_balie.view_counter_dashboard"


def dashboard(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = PeriodForm(request.GET, default_site=default_site(request))
    scope = form.scope()
    figures = metrics.figures(scope["site"], scope["start"], scope["end"], scope["service"])
    services = metrics.per_service(scope["site"], scope["start"], scope["end"]) if not scope["service"] else []
    if request.GET.get("export") == "csv":
        return _csv(scope, figures, services)
    return TemplateResponse(
        request,
        "digitale_balie/admin/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "charts": presentation.charts(figures),
            "services": [presentation.service_row(row) for row in services],
            "service_columns": presentation.service_columns(),
            "export_url": request.get_full_path() + ("&" if request.GET else "?") + "export=csv",
            "share": presentation.percent(figures.digital_share),
            "no_show": presentation.percent(figures.no_show),
            "use_again": presentation.percent(figures.would_use_again),
            "satisfaction": presentation.score(figures.satisfaction),
            "clerk_satisfaction": presentation.score(figures.clerk_satisfaction),
            "clerk_tools": presentation.score(figures.clerk_tools),
            "settings_url": reverse(
                "wagtailsettings:edit", args=["digitale_balie", "countersettings", scope["site"].pk]
            ),
            "can_edit_settings": request.user.has_perm("digitale_balie.change_countersettings"),
            "staff_comments": _staff_comments(request.user, scope),
        },
    )


def _staff_comments(user, scope) -> list:
    """What clerks wrote in the monthly survey, without their names, for users who may read feedback texts."""
    if not user.has_perm("digitale_balie.view_feedback_text"):
        return []

    answers = StaffSurveyAnswer.objects.filter(
        site=scope["site"], month__gte=scope["start"].replace(day=1), month__lte=scope["end"]
    ).exclude(comment="")
    return list(answers.order_by("-month").values("month", "comment")[:50])


def _csv(scope, figures, services) -> HttpResponse:
    """The figures as a spreadsheet-friendly file: the key figures, then one line per service."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"digitale-balie-{scope['start']:%Y%m%d}-{scope['end']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Measure"), _("Value")])
    for label, value in presentation.key_figures(figures):
        writer.writerow([label, value])
    if services:
        writer.writerow([])
        writer.writerow(presentation.service_columns())
        for row in services:
            writer.writerow(presentation.service_row(row).values())
    return response
