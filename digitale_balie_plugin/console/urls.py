"""The console's poll, outside the admin's URLs on purpose: the admin's own checks would cost queries on
every poll (assembled in ``urls.py``)."""

from django.urls import path

from digitale_balie_plugin.console import admin_views

urlpatterns = [
    path("live/seat/<int:seat_id>/", admin_views.counter_state, name="seat_state"),
]
