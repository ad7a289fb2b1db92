"""The summary's downloads: outside the page tree, like the conversation's other documents."""

from django.urls import re_path

from digitale_balie_plugin.summary import views

urlpatterns = [
    re_path(
        r"^summary/(?P<token>[A-Za-z0-9_-]{20,100})/documents/(?P<document_id>[0-9]{1,18})/$",
        views.download,
        name="summary_download",
    ),
]
