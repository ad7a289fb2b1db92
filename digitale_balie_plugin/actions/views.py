"""Citizen side of the hand-over: type a code, open a link or scan a QR code, and the action is yours.

Generic for every action kind that can be handed over (verification now; payments, uploads and
signatures later): the kind decides where the citizen goes next (``ActionType.citizen_url``).
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.forms import CodeForm
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models.settings import clerk_as_seen
from digitale_balie_plugin.responses import invalid_link, rate_limited, render


def _continue(request, page, action):
    kind = action_type(action.kind)
    url = kind.citizen_url(action) if kind else None
    if not url:
        return invalid_link(request, page)
    return HttpResponseRedirect(url)


@rate_limited("code", lambda: app_settings.CODE_RATE_LIMIT)
def code_entry(request, page):
    """The code form (also shown by ``IdentityVerificationBlock`` on any page, which posts here)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST":
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
    """A link from an SMS, e-mail or chat, or a scanned QR code: the first browser to confirm it keeps it.

    Opening it changes nothing: mail and SMS link scanners open (``GET``/``HEAD``) every link they see, and
    they would take the request before the citizen. The page asks to continue; that ``POST`` claims it. The
    browser that has it already goes straight on."""
    action = handover.action_for_link(token)
    if action is None or action.session.site_id != page.get_site().pk:
        return invalid_link(request, page)
    if handover.claimed_here(action, request):
        response = _continue(request, page, action)
    elif action.claim_hash:
        response = render(request, page, "link_used.html", status=410)
    elif request.method == "POST":
        response = _continue(request, page, action) if handover.claim(action, request) else None
        response = response or render(request, page, "link_used.html", status=410)
    else:
        kind = action_type(action.kind)
        context = {"label": kind.label if kind else "", "clerk": clerk_as_seen(action.created_by, action.session.site)}
        response = render(request, page, "take.html", context)
    # The token stays on this site ("no-referrer" would make the Continue button's POST come from origin
    # "null", which Django's CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response
