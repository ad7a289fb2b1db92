"""Citizen side of the hand-over: type a code, open a link or scan a QR code, and the action is yours.

Generic for every action kind that can be handed over (verification now; payments, uploads and
signatures later): the kind decides where the citizen goes next (``ActionType.citizen_url``).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from ..actions import handover
from ..actions.registry import action_type
from ..calls import sessions
from ..conf import app_settings
from ..forms import AccessibleErrorsMixin
from ..models import InCallAction
from ..ratelimit import hit
from .citizen import invalid_link, render
from .room import cookie_name


class CodeForm(AccessibleErrorsMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The clerk gives you this code. It has 8 letters and numbers, for example K7MQ 4XZP."),
        error_messages={"required": _("Type the code the clerk gave you.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def _continue(request, page, action):
    kind = action_type(action.kind)
    url = kind.citizen_url(action) if kind else None
    if not url:
        return invalid_link(request, page)
    return HttpResponseRedirect(url)


def code_entry(request, page):
    """The code form (also shown by ``IdentityVerificationBlock`` on any page, which posts here)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        attempts, seconds = app_settings.CODE_RATE_LIMIT
        if not hit(request, "code", attempts, seconds):
            return render(request, page, "too_many_requests.html", status=429)
        if form.is_valid():
            action = handover.redeem_code(form.cleaned_data["code"])
            same_site = action is not None and action.session.site_id == page.get_site().pk
            if same_site and handover.claim(action, request):
                return _continue(request, page, action)
            form.add_error(
                "code",
                _("This code does not work. Check it with the clerk. A code works once and for 10 minutes."),
            )
        return render(request, page, "code.html", {"form": form}, status=400)
    return render(request, page, "code.html", {"form": form})


def take_link(request, page, token):
    """A link from an SMS, e-mail or chat, or a scanned QR code: the first browser to open it keeps it."""
    action = handover.action_for_link(token)
    if action is None or action.session.site_id != page.get_site().pk:
        return invalid_link(request, page)
    if not handover.claim(action, request):
        return render(request, page, "link_used.html", status=410)
    response = _continue(request, page, action)
    response["Referrer-Policy"] = "no-referrer"
    return response


def action_for_browser(request, page, action_id, kind: str) -> InCallAction | None:
    """The action, if this browser took it (link or code) — or, from the video room, takes it now.

    Only the conversation's citizen can take it from the room (a guest such as an interpreter must not
    prove the citizen's identity or pay for them), and only on the site of this counter page.
    """
    action = (
        InCallAction.objects.select_related("session", "session__site", "session__service", "created_by")
        .filter(pk=action_id, kind=kind, session__site_id=page.get_site().pk)
        .first()
    )
    if action is None:
        return None
    if handover.claimed_here(action, request):
        return action
    access = sessions.access_for(action.session_id, request.COOKIES.get(cookie_name(action.session_id)))
    allowed = access is not None and access.role in (action_type(kind).citizen_roles if action_type(kind) else ())
    if allowed and not action.is_final and handover.claim(action, request):
        action.refresh_from_db()
        return action
    return None
