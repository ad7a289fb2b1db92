"""The citizen's summary page, reached by the link in the summary message or from the call's end page, and the
downloads of its documents.

Through the link (``summary/<token>/``) the page works as long as the documents are kept, as often as the
citizen likes; from the end page it works with the room's cookie, until the call's links die. Each view
checks that what it shows belongs to that one conversation: a link never reaches another conversation's
documents, and only the documents its summary offers. Every download is written to the audit log.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Site

from digitale_balie_plugin.booking.notifications import OPENED_PARAMETER, mark_opened
from digitale_balie_plugin.calls.access import access_or_404
from digitale_balie_plugin.documents.service import open_for_download
from digitale_balie_plugin.links import counter_page_for, route_url
from digitale_balie_plugin.models import AccessToken, CounterSettings, Document, ParticipantAccess, SummaryLink
from digitale_balie_plugin.ratelimit import hit
from digitale_balie_plugin.responses import file_download, invalid_link, render, too_many_requests
from digitale_balie_plugin.summary import content
from digitale_balie_plugin.summary.messages import recipient

#: Unknown summary links one client may try per window (a guesser is slowed down; the citizen never misses).
MISSES = (20, 600)


def _link(token: str, site) -> SummaryLink | None:
    related = ("session__site", "session__service", "session__clerk", "session__follow_up")
    return SummaryLink.objects.by_token(token).select_related(*related).filter(session__site=site).first()


def unknown(request, page):
    """The citizen's "this link does not work" page (404), or 429 once a client keeps trying unknown links."""
    if not hit(request, "summary-miss", *MISSES):
        return _private(too_many_requests(request, page))
    return _private(invalid_link(request, page))


def _private(response, *, referrer: str = "no-referrer"):
    """Personal data: never kept by a browser or proxy cache, and the token never leaves in a Referer."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = referrer
    return response


def gone(request, page):
    """A summary link past the documents' retention period (or revoked with them): 410, and why."""
    return _private(render(request, page, "summary_gone.html", {"home_url": page.get_url(request)}, status=410))


def _page(request, page, session, *, download, until, manage_url: str = "", sent_by: str = "", via_link=False):
    summary = content.build(session)
    context = {
        "summary": summary,
        "entries": [(entry, download(entry.document.pk) if entry.document else "") for entry in summary.entries],
        "documents": [(item, download(item.pk)) for item in summary.documents],
        "manage_url": manage_url,
        "sent_by": sent_by,
        "until": until,
        "via_link": via_link,
    }
    return _private(render(request, page, "summary.html", context))


@require_safe
def by_link(request, page, token):
    """The summary from the message's link."""
    link = _link(token, page.get_site())
    if link is None:
        return unknown(request, page)
    if not link.is_usable:
        return gone(request, page)
    if OPENED_PARAMETER in request.GET:
        mark_opened(request.GET[OPENED_PARAMETER], session_id=link.session_id, site=link.session.site)
    return _page(
        request,
        page,
        link.session,
        download=lambda pk: reverse("digitale_balie:summary_download", args=[token, pk]),
        manage_url=route_url(request, page, "summary_appointment", token) if link.session.follow_up_id else "",
        until=link.expires_at,
        via_link=True,
    )


@require_POST
def manage_follow_up(request, page, token):
    """From the summary to the follow-up appointment's manage page: a fresh manage link, used at once."""
    link = _link(token, page.get_site())
    follow_up = content.build(link.session).follow_up if link is not None and link.is_usable else None
    if follow_up is None:
        return unknown(request, page)
    manage_token = follow_up.issue_token(AccessToken.Purpose.MANAGE)
    return HttpResponseRedirect(route_url(request, page, "manage", manage_token))


@require_safe
def from_room(request, page, session_id):
    """The summary from the call's end page, with the room's cookie (the citizen's, not a guest's)."""
    try:
        access = access_or_404(request, session_id, page.get_site().pk)
    except Http404:
        return _private(invalid_link(request, page))
    session = access.session
    if access.role != ParticipantAccess.Role.CITIZEN or session.is_open:
        return _private(invalid_link(request, page))
    channel, _address = recipient(session, CounterSettings.for_site(session.site))
    return _page(
        request,
        page,
        session,
        download=lambda pk: reverse("digitale_balie:document_download", args=[pk]),
        sent_by=channel,
        until=access.expires_at,
    )


@require_safe
def download(request, token, document_id):
    """One document the summary offers, as an attachment; an unknown or expired link gets the citizen's page."""
    site = Site.find_for_request(request)
    page = counter_page_for(site) if site else None
    if page is None:
        raise Http404
    link = _link(token, site)
    if link is None or not link.is_usable:
        return unknown(request, page) if link is None else gone(request, page)
    session = link.session
    language = session.citizen_language(CounterSettings.for_site(site).default_language)
    with translation.override(language):
        offered = content.build(session).document_ids
    document = Document.objects.present().filter(pk=document_id, session=session, pk__in=offered).first()
    if document is None:
        return _private(invalid_link(request, page))
    handle = open_for_download(document, actor="citizen", via="summary", link=link.pk)
    if handle is None:
        return _private(invalid_link(request, page))
    return file_download(handle, filename=document.name, content_type=document.content_type)
