"""Citizen side of feedback: the survey after a conversation (from the call page or the e-mailed link)
and the general form of ``FeedbackBlock``. Every answer is optional; nothing here needs JavaScript."""

from __future__ import annotations

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from digitale_balie_plugin.calls.access import access_or_404
from digitale_balie_plugin.feedback import service
from digitale_balie_plugin.feedback.forms import PageFeedbackForm, SurveyForm
from digitale_balie_plugin.links import route_url
from digitale_balie_plugin.models import Feedback, FeedbackInvitation
from digitale_balie_plugin.models.choices import current_language
from digitale_balie_plugin.responses import invalid_link, rate_limited, render

#: Page feedback is open to anyone: a generous limit per address stops a script, not a citizen.
PAGE_FEEDBACK_LIMIT = (10, 3600)


@require_http_methods(["GET", "POST"])
def after_call(request, page, session_id):
    """Offered on the call page when the clerk ends the conversation (the citizen's cookie still works)."""
    try:
        access = access_or_404(request, session_id, page.get_site().pk)
    except Http404:
        return invalid_link(request, page)
    if access.role != access.Role.CITIZEN:
        return invalid_link(request, page)
    return _survey(request, page, access.session, Feedback.Source.CALL)


@require_http_methods(["GET", "POST"])
def from_invitation(request, page, token):
    invitation = (
        FeedbackInvitation.objects.valid(token)
        .select_related("session__service", "session__appointment")
        .filter(session__site_id=page.get_site().pk)
        .first()
    )
    if invitation is None:
        return invalid_link(request, page)
    response = _survey(request, page, invitation.session, Feedback.Source.EMAIL)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _survey(request, page, session, source):
    if not service.may_answer(session):
        return render(request, page, "feedback_thanks.html", {"already": True})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        feedback = service.record_for_session(session, form.cleaned_data, source=source, language=current_language())
        return render(request, page, "feedback_thanks.html", {"already": feedback is None})
    return render(
        request, page, "feedback.html", {"form": form, "service": session.service}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@rate_limited("feedback", PAGE_FEEDBACK_LIMIT)
def page_feedback(request, page):
    """Where ``FeedbackBlock`` posts to (and a page of its own, for a link in a newsletter)."""
    form = PageFeedbackForm(request.POST if request.method == "POST" else None)
    origin = _origin_page(request, page)
    context = {"form": form, "feedback_url": route_url(request, page, "page_feedback")}
    if request.method == "POST":
        if form.is_valid():
            service.record_for_page(page.get_site(), origin, form.cleaned_data, language=current_language())
            back = origin.url if origin is not None else ""
            safe = back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
            return render(request, page, "feedback_thanks.html", {"back_url": back if safe else ""})
        return render(request, page, "page_feedback.html", context, status=400)
    return render(request, page, "page_feedback.html", context)


def _origin_page(request, page):
    """The page that held the block (only a live page of this site; its title goes with the answer)."""
    try:
        page_id = int(request.POST.get("page") or 0)
    except ValueError:
        return None
    if not page_id:
        return None
    return Page.objects.live().in_site(page.get_site()).filter(pk=page_id).specific().first()
