"""JSON endpoints polled by the waiting room and the console: ETag first, database second."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse


def etag_matches(request, etag: str) -> bool:
    # From META, not ``request.headers``: that builds a dict of every header, on the hottest path we have.
    return request.META.get("HTTP_IF_NONE_MATCH", "").strip() == f'"{etag}"'


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = f'"{etag}"'
    return response


def json_with_etag(data: dict, etag: str) -> JsonResponse:
    response = JsonResponse(data)
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def allow_frames(response, origins: list[str], *, keep_self: bool = False):
    """Open the strict CSP for one embedded video room, on this response only."""
    if origins:
        frames = (["'self'"] if keep_self else []) + list(origins)
        response._csp_replace = {"frame-src": frames}  # replaces 'none' (never combine it)
        response._csp_update = {"script-src": list(origins), "connect-src": list(origins)}
    return response


def allow_form_targets(response, origins: list[str]):
    """Let a form on this page end in a redirect to ``origins`` (browsers apply ``form-action`` to the
    redirects that follow a form submission, e.g. the consent page's POST that leaves for itsme)."""
    if origins:
        response._csp_update = {**getattr(response, "_csp_update", {}), "form-action": sorted(set(origins))}
    return response
