"""Panels on the admin's home page: the last 30 days at a glance, and the monthly question to clerks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from digitale_balie_plugin.dashboard import metrics, presentation
from digitale_balie_plugin.reports import default_site

DAYS = 30


class FiguresPanel(Component):
    name = "digitale_balie_figures"
    order = 110
    template_name = "digitale_balie/admin/panels/figures.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        site = default_site(self.request)
        end = timezone.localdate()
        figures = metrics.figures(site, end - timedelta(days=DAYS - 1), end) if site else None
        return {
            "figures": figures,
            "share": presentation.percent(figures.digital_share) if figures else "–",
            "satisfaction": presentation.score(figures.satisfaction) if figures else "–",
        }


class StaffSurveyPanel(Component):
    name = "digitale_balie_staff_survey"
    order = 105
    template_name = "digitale_balie/admin/panels/staff_survey.html"
