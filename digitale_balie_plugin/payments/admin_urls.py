"""The finance report in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from digitale_balie_plugin.payments.admin_views import FinanceReportView
from digitale_balie_plugin.reports import report_urls

urlpatterns = report_urls("digitale-balie/payments/", FinanceReportView, "digitale_balie_finance_report")
