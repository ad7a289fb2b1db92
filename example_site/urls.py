from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from example_site.bench import floor

# While PostgreSQL or Redis is away: "try again in a minute" (503) in the citizen's language; the 500 page otherwise.
handler500 = "digitale_balie_plugin.errors.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("digitale-balie/", include("digitale_balie_plugin.urls")),
    path("demo-idp/", include("example_site.demo_idp.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if getattr(settings, "BENCH_FLOOR", False):  # bench/load.py measures against it
    urlpatterns.insert(0, path("bench-floor/", floor))

# Pages per language: Dutch (the default) unprefixed, French under /fr/ (Wagtail's localisation).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
