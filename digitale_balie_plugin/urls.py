"""Non-page URLs of the package: language switch, provider callbacks and live-update endpoints.

Include once in the site's URLconf::

    path("digitale-balie/", include("digitale_balie_plugin.urls")),
"""

from django.urls import path
from django.views.i18n import set_language

from .views import console, demo_checkout, documents, identity, room_api, signatures, webhooks

app_name = "digitale_balie"

urlpatterns = [
    path("language/", set_language, name="set_language"),
    path("callbacks/sms/<slug:provider>/", webhooks.SmsStatusWebhookView.as_view(), name="sms_status"),
    path("callbacks/payments/<slug:provider>/", webhooks.PaymentWebhookView.as_view(), name="payment_webhook"),
    # The demo payment provider's "hosted checkout" (404 unless the demo provider is configured).
    path("demo-checkout/<str:payment_id>/", demo_checkout.checkout, name="demo_checkout"),
    # Documents: outside the page tree so an upload gets its size limit before the body is read.
    path("documents/<int:session_id>/upload/", documents.upload, name="document_upload"),
    path("documents/file/<int:document_id>/", documents.download, name="document_download"),
    path("signatures/<int:action_id>/document/", signatures.read_document, name="signature_document"),
    path("live/room/<int:session_id>/", room_api.state, name="room_state"),
    path("live/room/<int:session_id>/heartbeat/", room_api.heartbeat, name="room_heartbeat"),
    path("live/room/<int:session_id>/actions/<int:action_id>/", room_api.action, name="room_action"),
    # The redirect URI to register with identity providers, and our public keys (their jwks_uri).
    path("identity/complete/<slug:backend>/", identity.complete, name="identity_complete"),
    path("identity/jwks.json", identity.jwks, name="identity_jwks"),
    # Outside the admin's URLs on purpose: the admin's own checks would cost queries on every poll.
    path("live/seat/<int:seat_id>/", console.counter_state, name="seat_state"),
]
