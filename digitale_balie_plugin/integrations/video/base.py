"""Video integration kind: the contract every video provider honours and the values that cross it.

The browser embeds a room with the Jitsi IFrame API::

    new JitsiMeetExternalAPI(access.domain, {roomName: access.room_name, jwt: access.jwt,
        userInfo: {displayName: access.display_name}, configOverwrite: access.config_overwrite,
        interfaceConfigOverwrite: access.interface_config_overwrite, parentNode})

so :class:`RoomAccess` carries exactly those values (plus what the page needs around them), and
views pass ``access.to_json()`` to ``json_script``. Vendor details (claims, key ids, deployments)
stay in the provider modules.
"""

from __future__ import annotations

import re
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider, ConfigWarning, StatusLine

__all__ = [
    "ROOM_NAME_PATTERN",
    "ConfigWarning",
    "Participant",
    "ParticipantRole",
    "RoomAccess",
    "StatusLine",
    "VideoError",
    "VideoProvider",
    "check_not_after",
    "check_room_name",
]

#: What a room name may look like: Jitsi lowercases room names (they are XMPP node names), so
#: only lowercase letters and digits survive unchanged; at least 16 characters keeps out names a
#: person typed, and never ``*``, which a token's ``room`` claim would read as "every room".
ROOM_NAME_PATTERN = re.compile(r"[a-z0-9]{16,80}")


class VideoError(IntegrationError):
    """The video room cannot be opened for this participant (call over, provider refused).

    The message is safe to show to a citizen or clerk; the reason goes to the log.
    """

    default_message = _("The video call cannot be opened. Please try again later.")


class ParticipantRole(StrEnum):
    """Who someone is in the call; only the clerk moderates (admits from the lobby, ends the call)."""

    MODERATOR = "moderator"
    CITIZEN = "citizen"
    GUEST = "guest"

    @property
    def is_moderator(self) -> bool:
        return self is ParticipantRole.MODERATOR


@dataclass(frozen=True)
class Participant:
    """One person joining a room.

    ``participant_id`` is an opaque id we choose (``"clerk-12"``, ``"guest-34"``): it lands in the
    video provider's logs, so it must never be personal data. ``display_name`` is shown to the
    others in the call; ``email`` is optional and, when given, sent to the video provider.
    """

    display_name: str
    role: ParticipantRole
    participant_id: str
    email: str = ""

    def __post_init__(self):
        # Callers pass lazy translations (``_("Citizen")``) and plain strings for the role; the
        # token and the JSON need plain values, fixed now in the active language.
        object.__setattr__(self, "display_name", str(self.display_name))
        object.__setattr__(self, "role", ParticipantRole(self.role))
        object.__setattr__(self, "participant_id", str(self.participant_id))
        object.__setattr__(self, "email", str(self.email or ""))
        if not self.participant_id:
            raise ValueError("A participant needs an opaque participant_id.")


@dataclass(frozen=True)
class RoomAccess:
    """Everything one participant's browser needs to embed one room.

    ``room_name`` is the IFrame API's ``roomName`` (for JaaS it carries the ``<AppID>/`` prefix);
    ``domain`` its first argument; ``external_api_url`` the script that defines
    ``JitsiMeetExternalAPI``. ``jwt`` is ``None`` when the deployment takes no token. ``notices``
    are translated warnings the page must show (demo mode, meet.jit.si limits). ``is_demo``: no
    video server; the page shows the participant's own camera only.
    """

    provider: str
    room_name: str
    display_name: str
    is_moderator: bool
    domain: str = ""
    jwt: str | None = None
    external_api_url: str = ""
    config_overwrite: dict[str, Any] = field(default_factory=dict)
    interface_config_overwrite: dict[str, Any] = field(default_factory=dict)
    is_demo: bool = False
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A plain, JSON-serialisable dict for ``json_script`` (lazy notices become text now)."""
        return {
            "provider": self.provider,
            "room_name": self.room_name,
            "display_name": str(self.display_name),
            "is_moderator": self.is_moderator,
            "domain": self.domain,
            "jwt": self.jwt,
            "external_api_url": self.external_api_url,
            "config_overwrite": _plain(self.config_overwrite),
            "interface_config_overwrite": _plain(self.interface_config_overwrite),
            "is_demo": self.is_demo,
            "notices": [str(notice) for notice in self.notices],
        }


def _plain(value: Any) -> Any:
    """A deep copy made of dicts, lists and scalars, so nobody mutates the provider's defaults."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def check_room_name(room_name: str) -> str:
    """Return ``room_name`` when it is one :meth:`VideoProvider.new_room_name` could have made.

    Raises ``ValueError`` (a programming error, not something a citizen can cause) for anything
    else, above all ``*``, which a token's ``room`` claim would read as "every room".
    """
    if not isinstance(room_name, str) or not ROOM_NAME_PATTERN.fullmatch(room_name):
        raise ValueError(f"Not a room name made by new_room_name(): {room_name!r}")
    return room_name


def check_not_after(not_after: datetime, now: datetime) -> None:
    """Refuse to open a room whose access has already ended (``VideoError``).

    ``not_after`` must be timezone-aware: a naive time would be read in the server's zone and
    could hand out a token hours too long or too short.
    """
    if timezone.is_naive(not_after):
        raise ValueError("not_after must be timezone-aware.")
    if not_after <= now:
        raise VideoError(_("This video call has ended; its link no longer opens the room."))


class VideoProvider(BaseProvider, ABC):
    """Base class of video providers.

    Lifecycle, relied on by the call service, the waiting room and the clerk's console:

    1. :meth:`new_room_name` when a conversation is created. The name is the only thing that
       separates one conversation from another on the video server, so it holds at least 128
       bits from ``secrets``, is never derived from personal data (no names, dates or ids), and
       uses lowercase letters and digits only, because Jitsi lowercases room names.
    2. :meth:`room_access` each time a participant's page needs the room, with ``not_after`` =
       the appointment's end plus the grace period. Tokens expire no later than ``not_after``
       (and no later than the provider's own maximum lifetime); a ``not_after`` already past
       raises ``VideoError``. The clerk is moderator, citizens and guests are not. The lobby is
       on for every room. No network call: it runs inside page views and polls.
    3. :meth:`frame_origins` where a room is embedded: the origins the page's CSP ``frame-src``
       and ``script-src`` must allow (empty for the demo provider, which embeds nothing).
    4. :meth:`check_status` from the admin's "Integrations status" page: may call the network,
       and NEVER raises; every failure (each ``requests.RequestException``, each HTTP error, a
       missing option) becomes a readable :class:`StatusLine`. :meth:`check_config` checks the
       options only, offline, for system checks.

    ``__init__`` reads no option, so a missing option surfaces where it is needed, as a
    ``ConfigurationError`` naming the setting. Instances hold no per-call state.
    """

    def new_room_name(self) -> str:
        """A fresh, unguessable room name: ``"balie"`` and 128 random bits in hex (37 characters).

        Override only to change the format; keep the rules of the class docstring.
        """
        return "balie" + secrets.token_hex(16)

    @abstractmethod
    def room_access(
        self, room_name: str, participant: Participant, *, not_after: datetime, now: datetime | None = None
    ) -> RoomAccess:
        """What ``participant``'s browser needs to join ``room_name`` until ``not_after``.

        ``now`` is for tests; callers leave it out. Raise ``VideoError`` when ``not_after`` has
        passed, ``ValueError`` for a room name :meth:`new_room_name` cannot have made,
        ``ConfigurationError`` for a missing or broken option.
        """

    @abstractmethod
    def frame_origins(self) -> list[str]:
        """Origins (``https://host``) the CSP must allow in ``frame-src`` and ``script-src``."""

    @abstractmethod
    def check_status(self) -> list[StatusLine]:
        """Lines for the admin's status page. May call the network; never raises."""

    def notices(self) -> tuple[str, ...]:
        """Translated warnings every page embedding this provider's rooms must show.

        The same values as ``room_access(...).notices``, without minting a token, for pages
        that only want to warn (the console's header).
        """
        return ()
