"""Non-page URLs of the package: language switch, provider callbacks and live-update endpoints.

Include once in the site's URLconf::

    path("digitale-balie/", include("digitale_balie_plugin.urls")),

Each capability owns its patterns (``<capability>/urls.py``); this module only assembles them, in one
namespace, so URL names stay ``digitale_balie:<name>``.
"""

from django.urls import path
from django.views.i18n import set_language

from digitale_balie_plugin.booking import urls as booking_urls
from digitale_balie_plugin.conf import Feature
from digitale_balie_plugin.console import urls as console_urls
from digitale_balie_plugin.documents import urls as documents_urls
from digitale_balie_plugin.identity import urls as identity_urls
from digitale_balie_plugin.operations import urls as operations_urls
from digitale_balie_plugin.payments import urls as payments_urls
from digitale_balie_plugin.responses import feature_patterns
from digitale_balie_plugin.room import urls as room_urls
from digitale_balie_plugin.signatures import urls as signatures_urls
from digitale_balie_plugin.summary import urls as summary_urls

app_name = "digitale_balie"

urlpatterns = [
    path("language/", set_language, name="set_language"),
    *booking_urls.urlpatterns,
    *feature_patterns(Feature.PAYMENTS, payments_urls.urlpatterns),
    *feature_patterns(Feature.DOCUMENTS, documents_urls.urlpatterns),
    *feature_patterns(Feature.SIGNING, signatures_urls.urlpatterns),
    *room_urls.urlpatterns,
    *summary_urls.urlpatterns,
    *console_urls.urlpatterns,
    *feature_patterns(Feature.IDENTITY, identity_urls.urlpatterns),
    *operations_urls.urlpatterns,
]
