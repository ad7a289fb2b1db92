"""The clerk's console in the Wagtail admin (included by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.console import admin_views as console

urlpatterns = [
    path("digitale-balie/counter/", console.choose_seat, name="digitale_balie_choose_seat"),
    path("digitale-balie/counter/<int:seat_id>/", console.counter, name="digitale_balie_console"),
    path("digitale-balie/counter/<int:seat_id>/contact/", console.open_contact, name="digitale_balie_open_contact"),
    path(
        "digitale-balie/counter/<int:seat_id>/walk-ins/clear/",
        console.clear_walk_ins,
        name="digitale_balie_clear_walk_ins",
    ),
    path(
        "digitale-balie/counter/<int:seat_id>/sessions/<int:session_id>/<slug:command>/",
        console.session_command,
        name="digitale_balie_session_command",
    ),
]
