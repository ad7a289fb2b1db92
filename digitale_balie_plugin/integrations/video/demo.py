"""The default video provider: no video server, works offline.

Each side of a demo call sees only their own camera (the page shows a local preview instead of
embedding a room), so the waiting room, the console and the in-call actions can be tried on a
laptop without Jitsi. Rooms get real, unguessable names all the same, so switching to a real
provider later needs no data migration.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.integrations.video.base import (
    Participant,
    RoomAccess,
    StatusLine,
    VideoProvider,
    check_not_after,
    check_room_name,
)
from digitale_balie_plugin.integrations.video.registry import registry

NOTICE = _("The video server is not configured. This demo shows your own camera only.")


@registry.register("demo")
class DemoVideoProvider(VideoProvider):
    """Offline stand-in for a video server, the default until a site configures Jitsi."""

    verbose_name = _("Demo (no video server)")
    is_demo = True

    def room_access(
        self, room_name: str, participant: Participant, *, not_after: datetime, now: datetime | None = None
    ) -> RoomAccess:
        # The same refusals as a real provider, so a caller's bug shows up in the demo too.
        check_room_name(room_name)
        check_not_after(not_after, now or timezone.now())
        return RoomAccess(
            provider=self.identifier,
            room_name=room_name,
            display_name=participant.display_name,
            is_moderator=participant.role.is_moderator,
            is_demo=True,
            notices=self.notices(),
        )

    def notices(self) -> tuple[str, ...]:
        return (NOTICE,)

    def frame_origins(self) -> list[str]:
        return []

    def check_status(self) -> list[StatusLine]:
        return [StatusLine(_("Video"), None, _("Demo mode: no video server; each side sees only their own camera."))]
