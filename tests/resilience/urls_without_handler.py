"""A site's root URLconf without our ``handler500`` (Django's default answers)."""

from django.urls import include, path

urlpatterns = [path("digitale-balie/", include("digitale_balie_plugin.urls"))]
