"""Document exchange endpoints: upload (citizen or clerk), download, and the hand-over page for the phone.

Outside the page tree because an upload must get its size limit before anything reads the body, and
Django's CSRF check reads it: these views are ``csrf_exempt`` on the outside and ``csrf_protect``
inside, right after the limit is set. Every request is checked against the conversation: the clerks
of its seat, its citizen (the room cookie), or the browser that took the clerk's "exchange documents"
request by link or code. Anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST, require_safe

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.access import action_for_browser
from digitale_balie_plugin.calls import seats, sessions
from digitale_balie_plugin.calls.access import held_cookie
from digitale_balie_plugin.documents import service
from digitale_balie_plugin.documents.presentation import document_list
from digitale_balie_plugin.documents.uploads import limit_uploads
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.models import CallSession, Document, DocumentSource, InCallAction
from digitale_balie_plugin.responses import file_download, in_page_language, invalid_link, render

EXCHANGE_KIND = "exchange_documents"
SIGN_KIND = "request_signature"


@dataclass(frozen=True)
class Party:
    source: str  # DocumentSource
    user: object = None
    request: InCallAction | None = None


def party_for(request, session: CallSession) -> Party | None:
    """Who this browser is in ``session``'s document exchange, or ``None``."""
    user = request.user
    if user.is_authenticated and session.seat_id in seats.clerk_seat_ids(user):
        return Party(DocumentSource.CLERK, user=user)
    access = sessions.access_for(session.pk, held_cookie(request, session.pk))
    if access is not None and access.role == "citizen" and access.admitted:
        return Party(DocumentSource.CITIZEN)
    claimed = InCallAction.objects.filter(session=session, kind__in=(EXCHANGE_KIND, SIGN_KIND), expires_at__gt=now())
    for action in claimed.exclude(claim_hash=""):
        # An exchange request while open; a signature request also once signed (to download the result).
        usable = action.is_open or action.kind == SIGN_KIND
        if usable and handover.claimed_here(action, request):
            return Party(DocumentSource.CITIZEN, request=action if action.kind == EXCHANGE_KIND else None)
    return None


@csrf_exempt
@require_POST
@in_page_language
def upload(request, session_id):
    session = get_object_or_404(CallSession.objects.select_related("site"), pk=session_id)
    max_bytes = service.limits(session.site)[1]
    if limit_uploads(request, max_bytes):
        return _answer(request, session, error=_too_large(max_bytes))
    return _protected_upload(request, session, max_bytes)


@csrf_protect
def _protected_upload(request, session, max_bytes):
    party = party_for(request, session)
    if party is None:
        raise Http404
    uploaded = request.FILES.get("file")
    if request.balie_upload_too_large:
        return _answer(request, session, error=_too_large(max_bytes))
    if uploaded is None:
        return _answer(request, session, error=_("Choose a file first."))
    try:
        service.upload(session, uploaded, source=party.source, user=party.user, request=party.request)
    except CounterError as exc:
        return _answer(request, session, error=str(exc.message))
    return _answer(request, session, success=_("The document was added: %(name)s") % {"name": uploaded.name[:120]})


def _too_large(max_bytes: int) -> str:
    return _("This file is too large. The limit is %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}


def _answer(request, session, *, error: str = "", success: str = ""):
    """JSON for the console's background submit; otherwise back to the page the form was on."""
    if "application/json" in request.headers.get("Accept", ""):
        level = "error" if error else "success"
        return JsonResponse({"messages": [{"level": level, "text": error or success}]}, status=400 if error else 200)
    (messages.error if error else messages.success)(request, error or success)
    target = request.POST.get("next", "") if not getattr(request, "balie_upload_too_large", False) else ""
    target = target or request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


@require_GET
def download(request, document_id):
    document = get_object_or_404(Document.objects.present().select_related("session__site"), pk=document_id)
    party = party_for(request, document.session)
    if party is None:
        raise Http404
    handle = service.open_for_download(document, user=party.user, actor="" if party.user else "citizen")
    if handle is None:
        raise Http404
    return file_download(handle, filename=document.name, content_type=document.content_type)


@require_safe
def exchange_page(request, page, action_id):
    """The phone/chat citizen's page (taken by link or code): the conversation's documents and an upload form."""

    action = action_for_browser(request, page, action_id, EXCHANGE_KIND)
    if action is None or not action.is_open:
        return invalid_link(request, page)
    session = action.session
    allowed, max_bytes = service.limits(session.site)
    return render(
        request,
        page,
        "documents.html",
        {
            "action": action,
            "session": session,
            "documents": document_list(session.documents.present(), viewer=DocumentSource.CITIZEN),
            "upload_url": reverse("digitale_balie:document_upload", args=[session.pk]),
            "accept": ",".join(f".{ext}" for ext in sorted(allowed)),
            "kinds": ", ".join(sorted(allowed)).upper(),
            "max_mb": max_bytes // (1024 * 1024),
        },
    )
