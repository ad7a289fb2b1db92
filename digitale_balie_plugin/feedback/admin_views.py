"""The feedback report: every answer, filterable by period, service, channel, seat and source, with charts
of the averages and CSV/XLSX export. What citizens wrote (and their address, when they ticked the box)
is shown and exported only to users with the "read what citizens wrote" permission."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Avg, Count, F
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column

from digitale_balie_plugin.dashboard.charts import bar_chart
from digitale_balie_plugin.models import CounterSeat, Feedback, Service, scope_to_seats
from digitale_balie_plugin.models.choices import Channel
from digitale_balie_plugin.reports import PermissionReportView, site_filter

PERMISSION = "digitale_balie.view_feedback_report"
TEXT_PERMISSION = "digitale_balie.view_feedback_text"


class FeedbackFilterSet(WagtailFilterSet):
    given_on = django_filters.DateFromToRangeFilter(label=gettext_lazy("Date"), widget=DateRangePickerWidget)
    service = django_filters.ModelChoiceFilter(label=gettext_lazy("Service"), queryset=Service.objects.canonical())
    channel = django_filters.ChoiceFilter(label=gettext_lazy("Channel"), choices=Channel.choices)
    seat = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Counter seat"),
        queryset=lambda request: CounterSeat.objects.canonical().visible_to(request.user),
    )
    source = django_filters.ChoiceFilter(label=gettext_lazy("Asked"), choices=Feedback.Source.choices)
    site = site_filter()

    class Meta:
        model = Feedback
        fields = []


BASE_COLUMNS = [
    Column("given_on", label=gettext_lazy("Date")),  # a day, not a moment: no "4 hours ago"
    Column("get_source_display", label=gettext_lazy("Asked")),
    Column("service", label=gettext_lazy("Service")),
    Column("get_channel_display", label=gettext_lazy("Channel")),
    Column("seat", label=gettext_lazy("Counter seat")),
    Column("ease", label=gettext_lazy("Easy to join")),
    Column("satisfaction", label=gettext_lazy("Satisfaction")),
    Column("get_use_again_display", label=gettext_lazy("Again")),
    Column("get_time_saved_display", label=gettext_lazy("Time saved")),
]
BASE_EXPORT = [
    "given_on",
    "source",
    "site_name",
    "service_name",
    "channel",
    "seat_name",
    "page_title",
    "language",
    "ease",
    "satisfaction",
    "use_again",
    "time_saved",
]
TEXT_EXPORT = ["comment", "contact_ok", "contact_name", "contact_email"]


class FeedbackReportView(PermissionReportView):
    permission = PERMISSION
    page_title = gettext_lazy("Feedback")
    header_icon = "help"
    model = Feedback
    filterset_class = FeedbackFilterSet
    index_url_name = "digitale_balie_feedback_report"
    index_results_url_name = "digitale_balie_feedback_report_results"
    results_template_name = "digitale_balie/admin/feedback_report_results.html"
    export_headings = {
        "given_on": gettext_lazy("Date"),
        "source": gettext_lazy("Asked"),
        "site_name": gettext_lazy("Site"),
        "service_name": gettext_lazy("Service"),
        "channel": gettext_lazy("Channel"),
        "seat_name": gettext_lazy("Counter seat"),
        "page_title": gettext_lazy("Page"),
        "language": gettext_lazy("Language"),
        "ease": gettext_lazy("Easy to join"),
        "satisfaction": gettext_lazy("Satisfaction"),
        "use_again": gettext_lazy("Would use it again"),
        "time_saved": gettext_lazy("Time saved"),
        "comment": gettext_lazy("Comment"),
        "contact_ok": gettext_lazy("May be contacted"),
        "contact_name": gettext_lazy("Name"),
        "contact_email": gettext_lazy("E-mail address"),
    }

    def dispatch(self, request, *args, **kwargs):
        self.show_text = request.user.has_perm(TEXT_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    @property
    def columns(self):
        if self.show_text:
            return [*BASE_COLUMNS, Column("comment", label=gettext_lazy("Comment"))]
        return BASE_COLUMNS

    @property
    def list_export(self):
        return BASE_EXPORT + (TEXT_EXPORT if self.show_text else [])

    def get_queryset(self):
        """The answers of the seats the user may see; answers left on a page (no seat) of those seats' sites."""
        answers = scope_to_seats(Feedback.objects.all(), self.request.user, ("seat",), "site")
        return (
            answers.annotate(site_name=F("site__site_name"), service_name=F("service__name"), seat_name=F("seat__name"))
            .select_related("service", "seat")
            .order_by("-given_on", "-pk")
        )

    def get_filename(self):
        return "feedback-{}".format(datetime.date.today().strftime("%Y-%m-%d"))

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["summary"] = summary(self.object_list)
        context["show_text"] = self.show_text
        return context


def summary(answers) -> dict:
    """Averages of the selection, overall and by service, channel and seat, drawn as bar charts."""
    totals = answers.aggregate(n=Count("pk"), average=Avg("satisfaction"), average_ease=Avg("ease"))
    charts = []
    conversations = answers.exclude(source=Feedback.Source.PAGE)  # a page's form names no service or seat
    for field, title, selection in (
        ("service__name", _("Average satisfaction by service"), conversations),
        ("channel", _("Average satisfaction by channel"), answers),
        ("seat__name", _("Average satisfaction by counter seat"), conversations),
    ):
        rows = (
            selection.filter(satisfaction__isnull=False)
            .values(field)
            .annotate(average=Avg("satisfaction"), n=Count("pk"))
            .order_by(field)
        )
        charts.append(bar_chart([_row(field, row) for row in rows], title=title, maximum=5))
    distribution = dict(answers.values_list("satisfaction").annotate(n=Count("pk")).order_by())
    charts.append(
        bar_chart(
            [(str(score), distribution.get(score, 0), str(distribution.get(score, 0))) for score in range(5, 0, -1)],
            title=_("Number of answers per score (5 = very satisfied)"),
        )
    )
    return {
        "answers": totals["n"],
        "satisfaction": _score(totals["average"]),
        "ease": _score(totals["average_ease"]),
        "charts": charts,
    }


def _row(field, row):
    label = row[field]
    if field == "channel":
        label = Channel(label).label if label in Channel.values else _("Page")
    label = label or _("(none)")
    return (label, row["average"], f"{_score(row['average'])} ({row['n']})")


def _score(value) -> str:
    return "–" if value is None else number_format(value, 1)
