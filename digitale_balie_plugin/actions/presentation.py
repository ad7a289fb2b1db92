"""What the clerk's panel shows of any action that can be handed over: link, QR code, short code."""

from __future__ import annotations

import segno
from django.utils import timezone

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.links import session_link


def handover_view(action) -> dict:
    """Link, QR code and short code of an open action (derived on the fly: nothing raw is stored)."""
    if not action.is_open:
        return {}
    link = session_link(action.session, "take", handover.link_token(action))
    code = handover.current_code(action)
    appointment = action.session.appointment
    return {
        "contact": (appointment.phone or appointment.email) if appointment else "",
        "link": link,
        "qr_svg": segno.make(link, error="m").svg_inline(scale=3, title=str(action)) if link else "",
        "code": handover.format_code(code) if code else "",
        "code_state": handover.code_state(action),
        "code_expires": (
            timezone.localtime(action.code_expires_at, app_settings.TIME_ZONE).strftime("%H:%M")
            if code and action.code_expires_at
            else ""
        ),
    }
