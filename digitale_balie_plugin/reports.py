"""What the package's admin reports share: one permission per report, a site filter, the site they open on,
and their pair of URLs."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import ReportView
from wagtail.models import Site

from digitale_balie_plugin.models import scope_to_seats


class ReadersLanguageExportMixin:
    """For Wagtail's spreadsheet exports (reports, modeladmin listings): a CSV is streamed after the view has
    returned, when Wagtail no longer holds the reader's language; keep it for the headings and the values."""

    def stream_csv(self, queryset):
        return _in_language(translation.get_language(), super().stream_csv(queryset))


def _in_language(language: str, lines):
    with translation.override(language):
        yield from lines


class PermissionReportView(ReadersLanguageExportMixin, ReportView):
    """A Wagtail report view only users with ``permission`` may open (or export)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def site_filter(field_name: str = "site") -> django_filters.ModelChoiceFilter:
    """A "Site" filter over the sites whose data the user may see (a callable queryset: evaluated per request):
    every site with ``view_all_seats``, else the sites of the user's seats (``models.scope_to_seats``)."""

    def sites(request):
        return scope_to_seats(Site.objects.all(), request.user, seat_paths=(), site_path="pk")

    return django_filters.ModelChoiceFilter(label=_("Site"), field_name=field_name, queryset=sites)


def default_site(request):
    """The site a report opens on: the request's own, else the default one."""
    return Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def report_urls(prefix: str, view_class, name: str) -> list:
    """The admin URLs of one report: its page and the results part Wagtail's filters reload (``<name>_results``)."""
    return [
        path(prefix, view_class.as_view(), name=name),
        path(f"{prefix}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]
