"""The finance report: payments by period, service, status and method, exportable as CSV and XLSX.

A Wagtail report view, so finance staff get the filters and export buttons they know. Every row
carries both our reference (``DB-…``, also in the provider's description and metadata) and the
provider's id of the paid checkout (``tr_…``), so the export reconciles with the provider's own.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn

from digitale_balie_plugin.models import Payment, PaymentStatus, Service, scope_to_seats
from digitale_balie_plugin.payments.methods import method_label
from digitale_balie_plugin.payments.money import euro
from digitale_balie_plugin.reports import PermissionReportView, site_filter

PERMISSION = "digitale_balie.view_finance_report"


class PaymentReportFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Requested"), widget=DateRangePickerWidget)
    paid_at = django_filters.DateFromToRangeFilter(label=_("Paid"), widget=DateRangePickerWidget)
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), field_name="action__session__service", queryset=Service.objects.canonical()
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PaymentStatus.choices)
    method = django_filters.ChoiceFilter(label=_("Method"), choices=lambda: _methods())
    site = site_filter("action__session__site")

    class Meta:
        model = Payment
        fields = []


def _methods():
    return [
        (m, method_label(m))
        for m in Payment.objects.exclude(method="").values_list("method", flat=True).distinct().order_by("method")
    ]


class AmountColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return euro(value) if value is not None else ""


class MethodColumn(Column):
    def get_value(self, instance):
        return method_label(super().get_value(instance))


class FinanceReportView(PermissionReportView):
    permission = PERMISSION
    page_title = _("Payments")
    header_icon = "doc-full"
    model = Payment
    filterset_class = PaymentReportFilterSet
    index_url_name = "digitale_balie_finance_report"
    index_results_url_name = "digitale_balie_finance_report_results"
    results_template_name = "digitale_balie/admin/finance_report_results.html"
    columns = [
        Column("reference", label=_("Reference")),
        Column("provider_payment_id", label=_("Provider's reference")),
        DateColumn("created_at", label=_("Requested")),
        DateColumn("paid_at", label=_("Paid")),
        Column("service_name", label=_("Service")),
        Column("get_status_display", label=_("Status")),
        MethodColumn("method", label=_("Method")),
        AmountColumn("amount", label=_("Amount")),
        AmountColumn("amount_refunded", label=_("Refunded")),
        Column("description", label=_("Description")),
    ]
    list_export = [
        "reference",
        "provider",
        "provider_payment_id",
        "created_at",
        "paid_at",
        "site_name",
        "service_name",
        "status",
        "method",
        "currency",
        "amount",
        "amount_refunded",
        "description",
        "clerk",
    ]
    export_headings = {
        "reference": _("Reference"),
        "provider": _("Provider"),
        "provider_payment_id": _("Provider's reference"),
        "created_at": _("Requested"),
        "paid_at": _("Paid"),
        "site_name": _("Site"),
        "service_name": _("Service"),
        "status": _("Status"),
        "method": _("Method"),
        "currency": _("Currency"),
        "amount": _("Amount"),
        "amount_refunded": _("Refunded"),
        "description": _("Description"),
        "clerk": _("Requested by"),
    }

    #: The export carries the method's name, as the report shows it.
    custom_field_preprocess = {"method": {"csv": method_label, "xlsx": method_label}}

    def get_queryset(self):
        """The payments of the seats the user may see (every seat's with ``ALL_SEATS_PERMISSION``)."""
        payments = scope_to_seats(Payment.objects.all(), self.request.user, ("action__session__seat",))
        return (
            payments.annotate(
                service_name=F("action__session__service__name"),
                site_name=F("action__session__site__site_name"),
                clerk=F("action__created_by__username"),
            )
            .select_related("action")
            .order_by("-created_at")
        )

    def get_filename(self):
        return "payments-{}".format(datetime.date.today().strftime("%Y-%m-%d"))

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        totals = self.object_list.filter(status=PaymentStatus.PAID).aggregate(
            paid=Sum("amount"), refunded=Sum("amount_refunded")
        )
        paid, refunded = totals["paid"] or 0, totals["refunded"] or 0
        context["totals"] = {
            "paid": euro(paid),
            "refunded": euro(refunded),
            "net": euro(paid - refunded),
        }
        return context
