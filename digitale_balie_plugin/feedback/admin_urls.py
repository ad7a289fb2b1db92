"""The feedback report and the clerks' monthly survey in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.feedback import staff_survey
from digitale_balie_plugin.feedback.admin_views import FeedbackReportView
from digitale_balie_plugin.reports import report_urls

urlpatterns = [
    *report_urls("digitale-balie/feedback/", FeedbackReportView, "digitale_balie_feedback_report"),
    path("digitale-balie/staff-survey/", staff_survey.staff_survey, name="digitale_balie_staff_survey"),
]
