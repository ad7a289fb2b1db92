"""Jitsi status checks for the admin's "Integrations status" page: HTTP probes of the IFrame API
script and prosody's room-size endpoint, and a test token. Never raises: every failure is a line.

Functions of a :class:`~.jitsi.JitsiProvider` (passed in; annotated with its base class, because the
provider module imports this one), kept apart from the provider so that
the provider module holds no HTTP code; this module does not import the provider module.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import requests
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.video.base import Participant, ParticipantRole, StatusLine, VideoProvider
from digitale_balie_plugin.integrations.video.jitsi_tokens import (
    JAAS,
    PUBLIC,
    SELF_HOSTED,
    TokenSettings,
    asap_key_file_name,
    mint_token,
)

logger = logging.getLogger("digitale_balie.video")

#: What ``external_api.js`` defines; a login page or a proxy's error page does not contain it.
EXTERNAL_API_MARKER = "JitsiMeetExternalAPI"


def status_lines(provider: VideoProvider) -> list[StatusLine]:
    """Deployment, token signing, the IFrame API script, and prosody's room-size endpoint
    when ``ROOM_SIZE_URL`` is set. Never raises: every failure is a readable line."""
    try:
        deployment = provider.deployment()
    except ConfigurationError as exc:
        return [StatusLine(_("Video deployment"), False, str(exc))]
    lines = [_deployment_line(provider, deployment), _token_line(provider, deployment), _script_line(provider)]
    if provider.options.get("ROOM_SIZE_URL"):
        lines.append(_room_size_line(provider, str(provider.options["ROOM_SIZE_URL"])))
    return lines


def _deployment_line(provider: VideoProvider, deployment: str) -> StatusLine:
    names = {SELF_HOSTED: _("Self-hosted Jitsi Meet"), JAAS: _("8x8 Jitsi as a Service"), PUBLIC: "meet.jit.si"}
    try:
        where = provider.domain()
    except ConfigurationError as exc:
        return StatusLine(_("Video deployment"), False, str(exc))
    return StatusLine(_("Video deployment"), None, f"{names[deployment]} ({where})")


def _token_line(provider: VideoProvider, deployment: str) -> StatusLine:
    label = _("Video tokens")
    if deployment == PUBLIC:
        return StatusLine(label, None, _("None: anyone who knows a room name can join."))
    try:
        token_settings = provider.token_settings()
        mint_token(
            token_settings,
            provider.new_room_name(),
            Participant("status check", ParticipantRole.GUEST, "status-check"),
            timezone.now() + timedelta(minutes=1),
        )
    except ConfigurationError as exc:
        return StatusLine(label, False, str(exc))
    return StatusLine(label, True, _token_summary(token_settings))


def _token_summary(token_settings: TokenSettings) -> str:
    summary = _("%(algorithm)s, issuer %(issuer)s, audience %(audience)s, valid at most %(hours)s h.") % {
        "algorithm": token_settings.algorithm,
        "issuer": token_settings.issuer,
        "audience": token_settings.audience,
        "hours": f"{token_settings.max_lifetime.total_seconds() / 3600:g}",
    }
    if token_settings.deployment == SELF_HOSTED and token_settings.algorithm == "RS256":
        summary += " " + _("Prosody fetches the public key as %(file)s from its asap_key_server.") % {
            "file": asap_key_file_name(token_settings.key_id)
        }
    return summary


def _script_line(provider: VideoProvider) -> StatusLine:
    label = _("Jitsi IFrame API")
    try:
        url, timeout = provider.external_api_url(), provider.status_timeout()
    except ConfigurationError as exc:
        return StatusLine(label, False, str(exc))
    response, failure = _get(url, timeout)
    if response is None:
        return StatusLine(label, False, f"{url}: {failure}")
    if response.status_code != 200:
        return StatusLine(label, False, _("%(url)s answered HTTP %(status)s.") % _answer(url, response))
    if EXTERNAL_API_MARKER not in response.text:
        return StatusLine(
            label,
            False,
            _("%(url)s answered, but not with Jitsi's external_api.js (a login page?).") % {"url": url},
        )
    return StatusLine(label, True, _("%(url)s is reachable.") % {"url": url})


def _room_size_line(provider: VideoProvider, url: str) -> StatusLine:
    """prosody ``muc_size``: 200 ``{"participants": n}`` for an open room, 404 with an empty
    (or JSON) body for a room that does not exist; a web server's HTML 404 means a wrong path."""
    label = _("Prosody room-size endpoint")
    try:
        timeout = provider.status_timeout()
    except ConfigurationError as exc:
        return StatusLine(label, False, str(exc))
    response, failure = _get(url, timeout)
    if response is None:
        return StatusLine(label, False, f"{url}: {failure}")
    body = _json_or_none(response)
    if response.status_code == 200 and isinstance(body, dict) and "participants" in body:
        return StatusLine(
            label, True, _("Reachable; the room has %(count)s participants.") % {"count": body["participants"]}
        )
    if response.status_code == 404 and (not response.content.strip() or body is not None):
        return StatusLine(label, True, _("Reachable; the room is not open now (HTTP 404)."))
    if response.status_code == 403:
        return StatusLine(
            label,
            False,
            _("%(url)s refused the request (HTTP 403): token verification is on for it.") % {"url": url},
        )
    return StatusLine(
        label, False, _("%(url)s answered HTTP %(status)s, not prosody's room size.") % _answer(url, response)
    )


def _get(url: str, timeout: float) -> tuple[requests.Response | None, str]:
    """GET ``url``; the response, or ``None`` and a readable reason. Catches every ``requests``
    failure (social-core's lesson: ``ConnectionError`` is not the only one)."""
    try:
        return requests.get(url, timeout=timeout), ""
    except requests.RequestException as exc:
        logger.warning("Video status check of %s failed: %r", url, exc)
        return None, _describe(exc, timeout)


def _describe(exc: requests.RequestException, timeout: float) -> str:
    reason = str(exc)[:200]
    if isinstance(exc, requests.exceptions.SSLError):
        return str(_("The TLS certificate was refused (%(reason)s).") % {"reason": reason})
    if isinstance(exc, requests.Timeout):
        return str(_("No answer within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"})
    if isinstance(exc, requests.ConnectionError):
        return str(_("No connection: check the host name, DNS and firewall (%(reason)s).") % {"reason": reason})
    return str(_("The request failed: %(error)s (%(reason)s).") % {"error": type(exc).__name__, "reason": reason})


def _answer(url: str, response: requests.Response) -> dict[str, Any]:
    return {"url": url, "status": response.status_code}


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
