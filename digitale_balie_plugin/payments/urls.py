"""Payments' URLs outside the page tree: the provider's webhook and the demo provider's checkout."""

from django.urls import path

from digitale_balie_plugin.payments import demo_checkout
from digitale_balie_plugin.payments.webhooks import PaymentWebhookView

urlpatterns = [
    path("callbacks/payments/<slug:provider>/", PaymentWebhookView.as_view(), name="payment_webhook"),
    # The demo payment provider's "hosted checkout" (404 unless the demo provider is configured).
    path("demo-checkout/<str:payment_id>/", demo_checkout.checkout, name="demo_checkout"),
]
