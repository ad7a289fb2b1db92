"""Booking's URLs outside the page tree: the SMS gateway's delivery reports (assembled in ``urls.py``)."""

from django.urls import path

from digitale_balie_plugin.booking.webhooks import SmsStatusWebhookView

urlpatterns = [
    path("callbacks/sms/<slug:provider>/", SmsStatusWebhookView.as_view(), name="sms_status"),
]
