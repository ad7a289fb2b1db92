from django.urls import path

from digitale_balie_plugin.operations import views

urlpatterns = [
    path("health/live", views.live, name="health_live"),
    path("health/ready", views.ready, name="health_ready"),
    path("metrics", views.metrics, name="metrics"),
]
