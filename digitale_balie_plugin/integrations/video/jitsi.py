"""Jitsi Meet, embedded with the IFrame API, in three deployments (option ``DEPLOYMENT``).

``"self_hosted"`` (default): the municipality's own Jitsi Meet with prosody token authentication
(``authentication = "token"`` on the main VirtualHost, ``token_verification`` on the conference
MUC). Tokens are HS256 with prosody's ``app_secret``, or RS256 with a private key whose public
half prosody fetches from ``asap_key_server`` as ``<sha256 hex of KEY_ID>.pem``
(:func:`asap_key_file_name`). Claims: ``iss`` = ``APP_ID`` (prosody's default
``asap_accepted_issuers``), ``aud`` = ``AUDIENCE`` (default ``APP_ID``; match
``asap_accepted_audiences``, often ``"jitsi"``), ``sub`` = ``SUBJECT`` (default ``DOMAIN``),
``room`` = the bare room name, ``context.user`` = ``{id, name, email, affiliation}`` with
``affiliation`` ``"owner"`` for the clerk and ``"member"`` for everyone else.
**The affiliation only takes effect with the ``token_affiliation`` prosody module**
(jitsi-contrib/prosody-plugins) on the conference MUC and Jicofo's auto-owner off
(``jicofo.conference.enable-auto-owner = false``; docker: ``ENABLE_AUTO_OWNER=0``). Without it,
Jicofo makes every token holder moderator (or the first to join), so a citizen could admit
people or end the call.

``"jaas"``: 8x8 Jitsi as a Service. RS256 only, header ``kid`` = ``<AppID>/<key id>`` (the key
uploaded in the JaaS console), ``aud`` ``"jitsi"``, ``iss`` ``"chat"``, ``sub`` = AppID, ``room``
= the bare room name; ``context.user.moderator`` ``"true"``/``"false"`` (strings, as 8x8
documents) and every paid feature off in ``context.features``. The embed's ``roomName`` is
``<AppID>/<room>`` on ``8x8.vc``. Names and e-mail addresses in tokens reach 8x8: a processor
agreement is needed.

``"public"``: meet.jit.si without a token, for trying things out only. meet.jit.si ends
embedded calls after 5 minutes and makes the moderator log in, and anyone who learns a room
name can join; :meth:`JitsiProvider.check_config` warns when ``DEBUG`` is off.

Tokens are checked when a participant joins (and when their connection re-joins), so ``exp``
bounds joining, not the length of a call. Prosody allows no clock skew, hence ``nbf`` backdated
by ``NBF_LEEWAY_SECONDS``.

Options (``DIGITALE_BALIE["VIDEO"]["OPTIONS"]``): ``DEPLOYMENT``, ``DOMAIN`` (self-hosted, a host
name like ``meet.stad.be``), ``APP_ID``, ``APP_SECRET`` (HS256, at least 32 characters: citizens
receive tokens and could guess a short secret offline), ``ALGORITHM`` (``HS256`` default,
``RS256``), ``PRIVATE_KEY`` (PEM; ``\\n`` escapes from an environment variable are accepted),
``KEY_ID``, ``ISSUER``, ``AUDIENCE``, ``SUBJECT``, ``MAX_TOKEN_HOURS`` (default 12),
``NBF_LEEWAY_SECONDS`` (default 10), ``TIMEOUT`` (status checks, default 5 s), ``ROOM_SIZE_URL``
(prosody ``muc_size``, checked on the status page).

**Lobby.** Every room gets the lobby, but the IFrame API cannot switch it on through
``configOverwrite``: the clerk's page sends :data:`LOBBY_COMMAND` (``toggleLobby``, ``true``)
once Jitsi reports the clerk as moderator (:data:`LOBBY_ENABLE_AFTER_EVENT`
``participantRoleChanged`` with ``role == "moderator"``, as Jitsi's handbook does; at
``videoConferenceJoined`` the role may not be granted yet). Waiting participants raise
:data:`KNOCKING_EVENT` (``{participant: {id, name}}``) on the clerk's page, which answers with
:data:`ANSWER_KNOCKING_COMMAND` (``id``, ``approved``). Participants who join before the clerk
are not held back by the lobby; on a self-hosted server, ``muc_wait_for_host`` closes that gap.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...conf import SETTING_NAME
from ...exceptions import ConfigurationError
from .base import (
    ConfigWarning,
    Participant,
    ParticipantRole,
    RoomAccess,
    StatusLine,
    VideoProvider,
    check_not_after,
    check_room_name,
)
from .registry import registry

logger = logging.getLogger("digitale_balie.video")

SELF_HOSTED, JAAS, PUBLIC = "self_hosted", "jaas", "public"
DEPLOYMENTS = (SELF_HOSTED, JAAS, PUBLIC)
JAAS_DOMAIN = "8x8.vc"
JAAS_APP_ID_PREFIX = "vpaas-magic-cookie-"
PUBLIC_DOMAIN = "meet.jit.si"
ALGORITHMS = ("HS256", "RS256")
MIN_SECRET_LENGTH = 32
MIN_RSA_KEY_BITS = 2048
DEFAULT_MAX_TOKEN_HOURS = 12
DEFAULT_NBF_LEEWAY_SECONDS = 10
DEFAULT_TIMEOUT = 5
#: What ``external_api.js`` defines; a login page or a proxy's error page does not contain it.
EXTERNAL_API_MARKER = "JitsiMeetExternalAPI"

# -- IFrame API names the console's JavaScript uses (see the module docstring) ------------------
#: ``api.executeCommand(LOBBY_COMMAND, true)``: moderator only.
LOBBY_COMMAND = "toggleLobby"
#: Send :data:`LOBBY_COMMAND` on this event when ``event.role === "moderator"``.
LOBBY_ENABLE_AFTER_EVENT = "participantRoleChanged"
#: Someone waits in the lobby: ``{participant: {id, name}}``.
KNOCKING_EVENT = "knockingParticipant"
#: ``api.executeCommand(ANSWER_KNOCKING_COMMAND, participantId, approved)``.
ANSWER_KNOCKING_COMMAND = "answerKnockingParticipant"

#: ``configOverwrite`` for every room. Only keys in Jitsi Meet's ``configWhitelist`` take effect;
#: the deprecated spelling of a key is sent next to the current one for older self-hosted servers.
CONFIG_OVERWRITE: dict[str, Any] = {
    # Our waiting room already checked camera and microphone and knows the name.
    "prejoinConfig": {"enabled": False},
    "prejoinPageEnabled": False,
    # Whoever the lobby holds knocks at once; no lobby chat (the clerk talks after admitting).
    "lobby": {"autoKnock": True, "enableChat": False},
    "autoKnockLobby": True,
    "enableLobbyChat": False,
    # The clerk must not switch the lobby off by accident, nor set a room password.
    "securityUi": {"hideLobbyButton": True, "disableLobbyPassword": True},
    # Stay in the browser: no "open in the app" page on phones.
    "deeplinking": {"disabled": True},
    "disableDeepLinking": True,
    # Through the bridge only: peer-to-peer would show each side the other's IP address.
    "p2p": {"enabled": False},
    # The name comes from the appointment; nobody invites from inside Jitsi (guests get our link).
    "readOnlyName": True,
    "disableProfile": True,
    "disableInviteFunctions": True,
    # No third parties (Gravatar) and no room names kept in the browser's recent list.
    "disableThirdPartyRequests": True,
    "gravatar": {"disabled": True},
    "doNotStoreRoom": True,
    # Nothing is recorded, streamed or transcribed.
    "recordingService": {"enabled": False},
    "localRecording": {"disable": True},
    "liveStreaming": {"enabled": False},
    "transcription": {"enabled": False},
    # Room names are random; the warning about guessable names would only confuse.
    "enableInsecureRoomNameWarning": False,
}

#: ``interfaceConfigOverwrite`` (only keys in ``interfaceConfigWhitelist`` take effect).
INTERFACE_CONFIG_OVERWRITE: dict[str, Any] = {
    "RECENT_LIST_ENABLED": False,
    "SHOW_CHROME_EXTENSION_BANNER": False,
}

#: JaaS ``context.features``: all off (8x8 bills them; we neither record nor dial out).
JAAS_FEATURES = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
    "sip-outbound-call": "false",
}

PUBLIC_NOTICE = _(
    "This call runs on the public meet.jit.si server, which ends embedded calls after 5 minutes and "
    "asks the moderator to log in. It is meant for trying the digital counter out only."
)


@dataclass(frozen=True)
class TokenSettings:
    """Everything :func:`mint_token` needs besides the room and the participant, resolved from
    the options once (``JitsiProvider.token_settings()``) so minting itself reads no setting.

    ``key`` is the HS256 secret (``str``) or an RSA private key object; ``key_id`` is the header
    ``kid`` exactly as sent (JaaS: ``<AppID>/<key id>``), empty for none.
    """

    deployment: str
    algorithm: str
    key: Any
    issuer: str
    audience: str
    subject: str
    key_id: str = ""
    max_lifetime: timedelta = timedelta(hours=DEFAULT_MAX_TOKEN_HOURS)
    nbf_leeway: timedelta = timedelta(seconds=DEFAULT_NBF_LEEWAY_SECONDS)

    def __repr__(self) -> str:  # never print the key (tracebacks, logs)
        return f"TokenSettings({self.deployment!r}, {self.algorithm!r}, kid={self.key_id!r})"


def mint_token(
    token_settings: TokenSettings,
    room_name: str,
    participant: Participant,
    not_after: datetime,
    now: datetime | None = None,
) -> str:
    """The only place tokens are minted: a JWT admitting ``participant`` to ``room_name`` only.

    ``exp`` = the earlier of ``not_after`` and ``now`` + the maximum lifetime, rounded down to
    the second so it never exceeds ``not_after``; ``nbf`` is backdated by the leeway because
    prosody allows no clock skew. Raises ``VideoError`` when ``not_after`` is not in the future,
    ``ValueError`` for a room name we cannot have made (above all ``*``, "every room").
    """
    now = now or timezone.now()
    check_room_name(room_name)
    check_not_after(not_after, now)
    expires = min(not_after, now + token_settings.max_lifetime)
    claims = {
        "iss": token_settings.issuer,
        "aud": token_settings.audience,
        "sub": token_settings.subject,
        "room": room_name,
        "iat": int(now.timestamp()),
        "nbf": int((now - token_settings.nbf_leeway).timestamp()),
        "exp": int(expires.timestamp()),
        "context": _context(token_settings.deployment, participant),
    }
    headers = {"kid": token_settings.key_id} if token_settings.key_id else None
    return jwt.encode(claims, token_settings.key, algorithm=token_settings.algorithm, headers=headers)


def _context(deployment: str, participant: Participant) -> dict[str, Any]:
    """``context`` claim; every user value a string (prosody and 8x8 compare strings)."""
    moderator = participant.role is ParticipantRole.MODERATOR
    user = {"id": participant.participant_id, "name": participant.display_name, "email": participant.email}
    if deployment == JAAS:
        user.update(avatar="", moderator="true" if moderator else "false")
        return {"user": user, "features": dict(JAAS_FEATURES)}
    user["affiliation"] = "owner" if moderator else "member"
    return {"user": user}


def asap_key_file_name(key_id: str) -> str:
    """The file prosody fetches from ``asap_key_server`` for ``kid`` = ``key_id`` (RS256 self-hosted)."""
    return hashlib.sha256(key_id.encode()).hexdigest() + ".pem"


@functools.lru_cache(maxsize=8)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Parse an unencrypted PEM RSA private key of at least 2048 bits, or raise ``ValueError``.

    Literal ``\\n`` sequences (a PEM squeezed into one environment variable) become newlines.
    Cached: parsing an RSA key costs milliseconds, and the console mints tokens on every poll.
    """
    if "\\n" in pem and "\n" not in pem.strip():
        pem = pem.replace("\\n", "\n")
    try:
        key = load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(f"not an unencrypted PEM private key ({type(exc).__name__})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("RS256 needs an RSA key")
    if key.key_size < MIN_RSA_KEY_BITS:
        raise ValueError(f"the RSA key has {key.key_size} bits; use at least {MIN_RSA_KEY_BITS}")
    return key


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?")


@registry.register("jitsi")
class JitsiProvider(VideoProvider):
    """Jitsi Meet: self-hosted with prosody tokens, 8x8 JaaS, or public meet.jit.si (demo only)."""

    verbose_name = "Jitsi Meet"

    # -- what callers use ----------------------------------------------------------------------

    def room_access(
        self, room_name: str, participant: Participant, *, not_after: datetime, now: datetime | None = None
    ) -> RoomAccess:
        now = now or timezone.now()
        check_room_name(room_name)
        check_not_after(not_after, now)
        deployment = self.deployment()
        token = None
        if deployment != PUBLIC:
            token = mint_token(self.token_settings(), room_name, participant, not_after, now=now)
        return RoomAccess(
            provider=self.identifier,
            room_name=self._embed_room_name(room_name),
            display_name=participant.display_name,
            is_moderator=participant.role.is_moderator,
            domain=self.domain(),
            jwt=token,
            external_api_url=self.external_api_url(),
            config_overwrite=copy.deepcopy(CONFIG_OVERWRITE),
            interface_config_overwrite=copy.deepcopy(INTERFACE_CONFIG_OVERWRITE),
            notices=self.notices(),
        )

    def notices(self) -> tuple[str, ...]:
        return (PUBLIC_NOTICE,) if self.deployment() == PUBLIC else ()

    def frame_origins(self) -> list[str]:
        return [f"https://{self.domain()}"]

    # -- options, resolved -----------------------------------------------------------------------

    def deployment(self) -> str:
        value = str(self.options.get("DEPLOYMENT") or SELF_HOSTED).strip().lower().replace("-", "_")
        if value not in DEPLOYMENTS:
            raise ConfigurationError(
                _("%(setting)s must be one of %(choices)s, not %(value)r.")
                % {"setting": self._setting("DEPLOYMENT"), "choices": ", ".join(DEPLOYMENTS), "value": value}
            )
        return value

    def domain(self) -> str:
        """The host the IFrame API talks to (``meet.stad.be``, ``8x8.vc``, ``meet.jit.si``)."""
        deployment = self.deployment()
        if deployment == JAAS:
            return JAAS_DOMAIN
        if deployment == PUBLIC:
            return PUBLIC_DOMAIN
        domain = str(self.option("DOMAIN")).strip().lower()
        if not _HOST.fullmatch(domain):
            raise ConfigurationError(
                _("%(setting)s must be a host name like meet.stad.be, without https:// or a path.")
                % {"setting": self._setting("DOMAIN")}
            )
        return domain

    def external_api_url(self) -> str:
        if self.deployment() == JAAS:
            return f"https://{JAAS_DOMAIN}/{self._jaas_app_id()}/external_api.js"
        return f"https://{self.domain()}/external_api.js"

    def token_settings(self) -> TokenSettings:
        """The resolved signing settings; ``ConfigurationError`` naming the setting when one is wrong."""
        deployment = self.deployment()
        if deployment == JAAS:
            app_id = self._jaas_app_id()
            if self._algorithm() != "RS256":
                raise ConfigurationError(
                    _("JaaS takes RS256 tokens only: remove %(setting)s or set it to RS256.")
                    % {"setting": self._setting("ALGORITHM")}
                )
            return self._with_lifetimes(
                TokenSettings(
                    deployment=JAAS,
                    algorithm="RS256",
                    key=self._private_key(),
                    issuer="chat",
                    audience="jitsi",
                    subject=app_id,
                    key_id=self._jaas_key_id(app_id),
                )
            )
        if deployment == SELF_HOSTED:
            return self._with_lifetimes(self._self_hosted_token_settings())
        raise ConfigurationError(_("The public meet.jit.si deployment takes no tokens."))

    def _self_hosted_token_settings(self) -> TokenSettings:
        app_id, domain, algorithm = str(self.option("APP_ID")), self.domain(), self._algorithm()
        if algorithm == "RS256":
            key, key_id = self._private_key(), str(self.option("KEY_ID"))
        else:
            key, key_id = self._app_secret(), ""
        return TokenSettings(
            deployment=SELF_HOSTED,
            algorithm=algorithm,
            key=key,
            issuer=str(self.option("ISSUER", app_id)),
            audience=str(self.option("AUDIENCE", app_id)),
            subject=str(self.option("SUBJECT", domain)),
            key_id=key_id,
        )

    def _with_lifetimes(self, token_settings: TokenSettings) -> TokenSettings:
        return replace(token_settings, max_lifetime=self._max_lifetime(), nbf_leeway=self._nbf_leeway())

    def _algorithm(self) -> str:
        algorithm = str(self.option("ALGORITHM", "RS256" if self.deployment() == JAAS else "HS256")).upper()
        if algorithm not in ALGORITHMS:
            raise ConfigurationError(_("%(setting)s must be HS256 or RS256.") % {"setting": self._setting("ALGORITHM")})
        return algorithm

    def _app_secret(self) -> str:
        secret = str(self.option("APP_SECRET"))
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigurationError(
                _(
                    "%(setting)s must be at least %(length)s characters: citizens receive tokens signed "
                    "with it and could guess a short secret."
                )
                % {"setting": self._setting("APP_SECRET"), "length": MIN_SECRET_LENGTH}
            )
        return secret

    def _private_key(self) -> rsa.RSAPrivateKey:
        try:
            return load_private_key(str(self.option("PRIVATE_KEY")))
        except ValueError as exc:
            raise ConfigurationError(
                _("%(setting)s cannot be used: %(reason)s.") % {"setting": self._setting("PRIVATE_KEY"), "reason": exc}
            ) from None

    def _jaas_app_id(self) -> str:
        app_id = str(self.option("APP_ID")).strip()
        if not app_id.startswith(JAAS_APP_ID_PREFIX) or "/" in app_id:
            raise ConfigurationError(
                _("%(setting)s must be the AppID from the JaaS console, starting with %(prefix)s.")
                % {"setting": self._setting("APP_ID"), "prefix": JAAS_APP_ID_PREFIX}
            )
        return app_id

    def _jaas_key_id(self, app_id: str) -> str:
        """``<AppID>/<key id>``; the console shows it whole, so a whole one is accepted too."""
        key_id = str(self.option("KEY_ID")).strip()
        if key_id.startswith(app_id + "/"):
            return key_id
        if "/" in key_id:
            raise ConfigurationError(
                _("%(setting)s belongs to another AppID than %(app_id)s.")
                % {"setting": self._setting("KEY_ID"), "app_id": self._setting("APP_ID")}
            )
        return f"{app_id}/{key_id}"

    def _embed_room_name(self, room_name: str) -> str:
        return f"{self._jaas_app_id()}/{room_name}" if self.deployment() == JAAS else room_name

    def _max_lifetime(self) -> timedelta:
        hours = self._number("MAX_TOKEN_HOURS", DEFAULT_MAX_TOKEN_HOURS)
        if hours <= 0:
            raise ConfigurationError(
                _("%(setting)s must be a positive number of hours.") % {"setting": self._setting("MAX_TOKEN_HOURS")}
            )
        return timedelta(hours=hours)

    def _nbf_leeway(self) -> timedelta:
        seconds = self._number("NBF_LEEWAY_SECONDS", DEFAULT_NBF_LEEWAY_SECONDS)
        if not 0 <= seconds <= 300:
            raise ConfigurationError(
                _("%(setting)s must be between 0 and 300 seconds.") % {"setting": self._setting("NBF_LEEWAY_SECONDS")}
            )
        return timedelta(seconds=seconds)

    def _timeout(self) -> float:
        timeout = self._number("TIMEOUT", DEFAULT_TIMEOUT)
        if timeout <= 0:
            raise ConfigurationError(
                _("%(setting)s must be a positive number of seconds.") % {"setting": self._setting("TIMEOUT")}
            )
        return timeout

    def _number(self, name: str, default: float) -> float:
        value = self.option(name, default)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigurationError(_("%(setting)s must be a number.") % {"setting": self._setting(name)}) from None

    def _setting(self, name: str) -> str:
        return f'{SETTING_NAME}["{self.kind or "VIDEO"}"]["OPTIONS"]["{name}"]'

    # -- configuration (offline) -----------------------------------------------------------------

    def check_config(self) -> list[str]:
        """Options only, no network call; warnings come back as :class:`ConfigWarning`."""
        problems = []
        for problem in self._problems():
            text = f"Jitsi: {problem}"
            if text not in problems:  # two accessors may trip over the same option
                problems.append(ConfigWarning(text) if isinstance(problem, ConfigWarning) else text)
        return problems

    def _problems(self) -> Iterator[str]:
        try:
            deployment = self.deployment()
        except ConfigurationError as exc:
            yield str(exc)
            return
        missing = [name for name in self._required_options(deployment) if not self.options.get(name)]
        for name in missing:
            yield str(_("Set %(setting)s.") % {"setting": self._setting(name)})
        checks = [self._max_lifetime, self._nbf_leeway, self._timeout]
        if not missing:  # a missing option is named once, above, not again by every accessor
            checks += [self.frame_origins, self.external_api_url]
            checks += [self.token_settings] if deployment != PUBLIC else []
        for check in checks:
            try:
                check()
            except ConfigurationError as exc:
                yield str(exc)
        yield from self._warnings(deployment)

    def _required_options(self, deployment: str) -> list[str]:
        if deployment == JAAS:
            return ["APP_ID", "KEY_ID", "PRIVATE_KEY"]
        if deployment == PUBLIC:
            return []
        try:
            rs256 = self._algorithm() == "RS256"
        except ConfigurationError:
            rs256 = False  # reported by token_settings()
        return ["DOMAIN", "APP_ID"] + (["KEY_ID", "PRIVATE_KEY"] if rs256 else ["APP_SECRET"])

    def _warnings(self, deployment: str) -> Iterator[str]:
        options = self.options
        room_size_url = str(options.get("ROOM_SIZE_URL") or "")
        if room_size_url and urlsplit(room_size_url).scheme not in ("http", "https"):
            yield str(
                _("%(setting)s must be an http:// or https:// address.") % {"setting": self._setting("ROOM_SIZE_URL")}
            )
        if deployment == PUBLIC and not django_settings.DEBUG:
            yield ConfigWarning(
                _(
                    "meet.jit.si (%(setting)s = public) limits embedded calls to 5 minutes and lets anyone who "
                    "knows a room name join: use it with DEBUG on only, and a self-hosted server or JaaS in production."
                )
                % {"setting": self._setting("DEPLOYMENT")}
            )
        if deployment == PUBLIC and options.get("DOMAIN") and options.get("DOMAIN") != PUBLIC_DOMAIN:
            yield ConfigWarning(
                _("%(setting)s is ignored: the public deployment is meet.jit.si. Use self_hosted for your own server.")
                % {"setting": self._setting("DOMAIN")}
            )
        if deployment == SELF_HOSTED and options.get("PRIVATE_KEY") and self._algorithm_or_none() == "HS256":
            yield ConfigWarning(
                _("%(key)s is ignored while %(algorithm)s is HS256.")
                % {"key": self._setting("PRIVATE_KEY"), "algorithm": self._setting("ALGORITHM")}
            )

    def _algorithm_or_none(self) -> str | None:
        try:
            return self._algorithm()
        except ConfigurationError:
            return None

    # -- status (network) ------------------------------------------------------------------------

    def check_status(self) -> list[StatusLine]:
        """Deployment, token signing, the IFrame API script, and prosody's room-size endpoint
        when ``ROOM_SIZE_URL`` is set. Never raises: every failure is a readable line."""
        try:
            deployment = self.deployment()
        except ConfigurationError as exc:
            return [StatusLine(_("Video deployment"), False, str(exc))]
        lines = [self._deployment_line(deployment), self._token_line(deployment), self._script_line()]
        if self.options.get("ROOM_SIZE_URL"):
            lines.append(self._room_size_line(str(self.options["ROOM_SIZE_URL"])))
        return lines

    def _deployment_line(self, deployment: str) -> StatusLine:
        names = {SELF_HOSTED: _("Self-hosted Jitsi Meet"), JAAS: _("8x8 Jitsi as a Service"), PUBLIC: "meet.jit.si"}
        try:
            where = self.domain()
        except ConfigurationError as exc:
            return StatusLine(_("Video deployment"), False, str(exc))
        return StatusLine(_("Video deployment"), None, f"{names[deployment]} ({where})")

    def _token_line(self, deployment: str) -> StatusLine:
        label = _("Video tokens")
        if deployment == PUBLIC:
            return StatusLine(label, None, _("None: anyone who knows a room name can join."))
        try:
            token_settings = self.token_settings()
            mint_token(
                token_settings,
                self.new_room_name(),
                Participant("status check", ParticipantRole.GUEST, "status-check"),
                timezone.now() + timedelta(minutes=1),
            )
        except ConfigurationError as exc:
            return StatusLine(label, False, str(exc))
        return StatusLine(label, True, self._token_summary(token_settings))

    def _token_summary(self, token_settings: TokenSettings) -> str:
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

    def _script_line(self) -> StatusLine:
        label = _("Jitsi IFrame API")
        try:
            url, timeout = self.external_api_url(), self._timeout()
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

    def _room_size_line(self, url: str) -> StatusLine:
        """prosody ``muc_size``: 200 ``{"participants": n}`` for an open room, 404 with an empty
        (or JSON) body for a room that does not exist; a web server's HTML 404 means a wrong path."""
        label = _("Prosody room-size endpoint")
        try:
            timeout = self._timeout()
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
