"""Documents: outside the page tree so an upload gets its size limit before the body is read."""

from django.urls import path

from digitale_balie_plugin.documents import views

urlpatterns = [
    path("documents/<int:session_id>/upload/", views.upload, name="document_upload"),
    path("documents/file/<int:document_id>/", views.download, name="document_download"),
]
