"""Admin screens of booking (included under the Wagtail admin by ``cms.wagtail_hooks``)."""

from django.urls import path

from digitale_balie_plugin.booking import admin_views

urlpatterns = [
    path("digitale-balie/book/", admin_views.book_on_behalf, name="digitale_balie_book_on_behalf"),
    path("digitale-balie/cancel-flood/", admin_views.cancel_flood, name="digitale_balie_cancel_flood"),
]
