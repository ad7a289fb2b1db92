"""Non-page URLs of the package: language switch and provider callbacks.

Include once in the site's URLconf::

    path("digitale-balie/", include("digitale_balie_plugin.urls")),
"""

from django.urls import path
from django.views.i18n import set_language

from .views import webhooks

app_name = "digitale_balie"

urlpatterns = [
    path("language/", set_language, name="set_language"),
    path("callbacks/sms/<slug:provider>/", webhooks.SmsStatusWebhookView.as_view(), name="sms_status"),
]
