"""Signatures' URLs outside the page tree: the document to read before signing."""

from django.urls import path

from digitale_balie_plugin.signatures import views

urlpatterns = [
    path("signatures/<int:action_id>/document/", views.read_document, name="signature_document"),
]
