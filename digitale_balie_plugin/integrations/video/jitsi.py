"""Jitsi Meet, embedded with the IFrame API, in three deployments (option ``DEPLOYMENT``):
``"self_hosted"`` (prosody token authentication), ``"jaas"`` (8x8 Jitsi as a Service) and
``"public"`` (meet.jit.si without tokens, for trying things out only).

This module is the provider: options, room access, configuration checks. Tokens are minted in
``jitsi_tokens`` and the status page's HTTP probes live in ``jitsi_status``. The operator's manual
(options, prosody modules, JaaS, the lobby) is in ``docs/operator.md`` (Video: Jitsi), not here:
operators read docs, not source.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.video import jitsi_status
from digitale_balie_plugin.integrations.video.base import (
    ConfigWarning,
    Participant,
    RoomAccess,
    StatusLine,
    VideoProvider,
    check_not_after,
    check_room_name,
)
from digitale_balie_plugin.integrations.video.jitsi_tokens import (
    ALGORITHMS,
    DEFAULT_MAX_TOKEN_HOURS,
    DEFAULT_NBF_LEEWAY_SECONDS,
    DEPLOYMENTS,
    JAAS,
    MIN_SECRET_LENGTH,
    PUBLIC,
    SELF_HOSTED,
    TokenSettings,
    load_private_key,
    mint_token,
)
from digitale_balie_plugin.integrations.video.registry import registry

JAAS_DOMAIN = "8x8.vc"
JAAS_APP_ID_PREFIX = "vpaas-magic-cookie-"
PUBLIC_DOMAIN = "meet.jit.si"
DEFAULT_TIMEOUT = 5

# -- IFrame API names the console's JavaScript uses (docs/operator.md, "Lobby") ----------------
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

PUBLIC_NOTICE = _(
    "This call runs on the public meet.jit.si server, which ends embedded calls after 5 minutes and "
    "asks the moderator to log in. It is meant for trying the digital counter out only."
)


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

    def status_timeout(self) -> float:
        """Seconds the status checks wait for an answer (option ``TIMEOUT``)."""
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
        checks = [self._max_lifetime, self._nbf_leeway, self.status_timeout]
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
        when ``ROOM_SIZE_URL`` is set (``jitsi_status``). Never raises."""
        return jitsi_status.status_lines(self)
