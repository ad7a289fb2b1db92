"""The citizen's live endpoints of a conversation, outside the page tree so a poll costs one query at most."""

from django.urls import path

from digitale_balie_plugin.room import api

urlpatterns = [
    path("live/room/<int:session_id>/", api.state, name="room_state"),
    path("live/room/<int:session_id>/heartbeat/", api.heartbeat, name="room_heartbeat"),
    path("live/room/<int:session_id>/actions/<int:action_id>/", api.action, name="room_action"),
]
