"""The success dashboard in the admin: the figures the digital counter is judged by, per period and service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.models import Site

from ..dashboard import metrics, presentation
from ..dashboard.period import PeriodForm

PERMISSION = "digitale_balie.view_counter_dashboard"


def default_site(request):
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def dashboard(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = PeriodForm(request.GET, default_site=default_site(request))
    scope = form.scope()
    figures = metrics.figures(scope["site"], scope["start"], scope["end"], scope["service"])
    return TemplateResponse(
        request,
        "digitale_balie/admin/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "charts": presentation.charts(figures),
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
        },
    )
