"""Live endpoints of conversations, outside the page tree so a poll costs one query at most."""

from django.urls import path

from digitale_balie_plugin.calls import admin_views, api

urlpatterns = [
    path("live/room/<int:session_id>/", api.state, name="room_state"),
    path("live/room/<int:session_id>/heartbeat/", api.heartbeat, name="room_heartbeat"),
    path("live/room/<int:session_id>/actions/<int:action_id>/", api.action, name="room_action"),
    # Outside the admin's URLs on purpose: the admin's own checks would cost queries on every poll.
    path("live/seat/<int:seat_id>/", admin_views.counter_state, name="seat_state"),
]
