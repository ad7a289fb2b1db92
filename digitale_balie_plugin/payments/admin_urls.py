"""The finance report in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.payments.admin_views import FinanceReportView

urlpatterns = [
    path("digitale-balie/payments/", FinanceReportView.as_view(), name="digitale_balie_finance_report"),
    path(
        "digitale-balie/payments/results/",
        FinanceReportView.as_view(results_only=True),
        name="digitale_balie_finance_report_results",
    ),
]
