"""Citizen side of a signature: read the document, show who you are (if not yet), confirm, download.

Only the browser that took the request (call page button, code or link) gets in. When this conversation
has no verification at the level needed, the page starts one (the identity flow of the consent page) and
the verification's result page leads back here.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Site

from digitale_balie_plugin.actions import handover
from digitale_balie_plugin.actions.access import detail_for_browser
from digitale_balie_plugin.actions.service import create_action
from digitale_balie_plugin.documents.service import open_for_download
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.links import citizen_url, counter_page_for
from digitale_balie_plugin.models.settings import clerk_as_seen
from digitale_balie_plugin.responses import file_download, invalid_link, render
from digitale_balie_plugin.signatures import service

THEN_KEY = "digitale_balie_then"


def _signature_for_browser(request, page, action_id):
    return detail_for_browser(request, page, action_id, service.SIGN_KIND, service.request_for)


@never_cache
def sign(request, page, action_id):
    signature = _signature_for_browser(request, page, action_id)
    if signature is None:
        return invalid_link(request, page)
    verification = service.usable_verification(signature)
    error = ""
    if request.method == "POST" and not signature.signed_at:
        if request.POST.get("step") == "verify":
            return _verify_first(request, page, signature)
        if verification is None:
            error = str(service.NotVerified.default_message)
        elif not request.POST.get("agree"):
            error = _("Tick the box to say you have read the document and agree.")
        else:
            try:
                service.sign(signature, verification)
                return HttpResponseRedirect(request.path)
            except CounterError as exc:
                error = str(exc.message)
    session = signature.action.session
    return render(
        request,
        page,
        "sign.html",
        {
            "signature": signature,
            "verification": verification,
            "clerk_name": clerk_as_seen(signature.action.created_by, session.site),
            "service": session.service,
            "read_url": reverse("digitale_balie:signature_document", args=[signature.action_id]),
            "signed_url": reverse("digitale_balie:document_download", args=[signature.signed_document_id])
            if signature.signed_document_id
            else "",
            "error": error,
        },
        status=400 if error else 200,
    )


def _verify_first(request, page, signature):
    """Start the identity verification this signature needs, for this browser, and come back after."""
    action = signature.action
    verification = create_action(
        action.session, "verify_identity", {"required_level": signature.required_level}, by_user=action.created_by
    )
    handover.claim(verification, request)
    request.session[THEN_KEY] = citizen_url(page.get_site(), "sign", action.pk, page=page)
    return HttpResponseRedirect(citizen_url(page.get_site(), "verify", verification.pk, page=page))


@require_safe  # reading is a GET: any other method was served the document (and audited) too
def read_document(request, action_id):
    """The document to sign, shown in the browser (inline) to the browser that took the request only.

    With the downloads' policy (``responses.file_download``): a script in the PDF or a file that is really HTML
    stays inert under ``sandbox``. Chromium's PDF viewer still shows it (checked with Chromium 156, in a new tab
    and in a frame); the page opens it in a new tab.
    """
    site = Site.find_for_request(request)
    page = counter_page_for(site) if site else None
    signature = _signature_for_browser(request, page, action_id) if page else None
    if signature is None:
        raise Http404
    handle = open_for_download(signature.document, actor="citizen")
    if handle is None:
        raise Http404
    return file_download(handle, filename=signature.document.name, content_type="application/pdf", as_attachment=False)
