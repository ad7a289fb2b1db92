"""The citizen-data screen in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.retention import admin_views

urlpatterns = [
    path("digitale-balie/citizen-data/", admin_views.citizen_data, name="digitale_balie_citizen_data"),
]
