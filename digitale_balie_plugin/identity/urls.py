"""The redirect URI to register with identity providers, and our public keys (their ``jwks_uri``)."""

from django.urls import path

from digitale_balie_plugin.identity import views

urlpatterns = [
    path("identity/complete/<slug:backend>/", views.complete, name="identity_complete"),
    path("identity/jwks.json", views.jwks, name="identity_jwks"),
]
