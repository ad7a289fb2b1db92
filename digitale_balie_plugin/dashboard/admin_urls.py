"""The success dashboard in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.dashboard import views

urlpatterns = [
    path("digitale-balie/figures/", views.dashboard, name="digitale_balie_dashboard"),
]
