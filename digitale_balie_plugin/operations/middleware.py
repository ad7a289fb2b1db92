"""Answers the load balancer's health probes before anything else in ``MIDDLEWARE``.

Why first: a probe comes over plain HTTP to the server's own address, with the load balancer's Host header.
Further down, ``SecurityMiddleware`` would redirect it to HTTPS (``SECURE_SSL_REDIRECT``), ``CommonMiddleware``
would refuse its host (``ALLOWED_HOSTS``), and sessions, locale and CSRF would cost more than the probe. This
middleware reads only the path and the method (never ``request.get_host()``), touches no session and sets no
cookie. Every other request goes on unchanged. Put it first::

    MIDDLEWARE = ["digitale_balie_plugin.operations.middleware.HealthMiddleware", *MIDDLEWARE]

Without it, the same probes answer through the URLconf (``digitale_balie:health_live``, ``health_ready``) —
then only over HTTPS and with an allowed host.
"""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.urls import NoReverseMatch, reverse

from digitale_balie_plugin.operations import health

PROBES = {"health_live": health.live_response, "health_ready": health.ready_response}


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def __call__(self, request):
        probe = self._probes().get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return probe(request)

    def _probes(self) -> dict:
        """Path → answer, from the URLconf (a site may mount the package anywhere; not mounted: none)."""
        if self._paths is None:
            try:
                self._paths = {reverse(f"digitale_balie:{name}"): answer for name, answer in PROBES.items()}
            except NoReverseMatch:
                self._paths = {}
        return self._paths
