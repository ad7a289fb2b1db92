"""The example site's URLconf plus views that meet a database that is really away (a closed port)."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

from example_site.urls import handler500, urlpatterns
from tests.resilience.away import query_a_database_that_is_away


def database_away(request):
    """Queries PostgreSQL on a port nobody listens on: the real ``OperationalError`` of a stopped server."""
    query_a_database_that_is_away()
    return HttpResponse("unreachable")


def broken(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("digitale-balie/live/away/", database_away),
    path("digitale-balie/broken/", broken),
    *i18n_patterns(path("away/", database_away), prefix_default_language=False),
    *urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
