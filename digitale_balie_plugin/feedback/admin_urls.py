"""The feedback report and the clerks' monthly survey in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.feedback import staff_survey
from digitale_balie_plugin.feedback.admin_views import FeedbackReportView

urlpatterns = [
    path("digitale-balie/feedback/", FeedbackReportView.as_view(), name="digitale_balie_feedback_report"),
    path(
        "digitale-balie/feedback/results/",
        FeedbackReportView.as_view(results_only=True),
        name="digitale_balie_feedback_report_results",
    ),
    path("digitale-balie/staff-survey/", staff_survey.staff_survey, name="digitale_balie_staff_survey"),
]
