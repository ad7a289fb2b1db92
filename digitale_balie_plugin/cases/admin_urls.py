"""Admin screens of case records (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.cases import admin_views

urlpatterns = [
    path("digitale-balie/cases/<int:case_id>/retry/", admin_views.retry, name="digitale_balie_case_retry"),
]
