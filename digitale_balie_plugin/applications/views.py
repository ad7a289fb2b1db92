"""Citizen side of an application form: fill it in (field errors in their language), send it.

A half-filled form survives a reload: the browser keeps a draft (``form-draft.js``, sessionStorage), and
after a refused submission the server shows the answers again with the errors next to their fields.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views.decorators.cache import never_cache

from digitale_balie_plugin.actions.access import action_for_browser
from digitale_balie_plugin.applications import service
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.responses import invalid_link, render


@never_cache
def fill_in(request, page, action_id):
    action = action_for_browser(request, page, action_id, service.FORM_KIND)
    submission = service.submission_for(action.pk) if action is not None else None
    if submission is None:
        return invalid_link(request, page)
    form_page = submission.form_page
    if request.method == "POST" and not submission.submitted_at:
        form = form_page.get_form(request.POST, page=form_page, user=None)
        if form.is_valid():
            try:
                service.submit(submission, form.cleaned_data)
                return HttpResponseRedirect(request.path)
            except CounterError as exc:
                form.add_error(None, str(exc.message))
    else:
        form = form_page.get_form(page=form_page, user=None)
    submission.refresh_from_db()
    return render(
        request,
        page,
        "application_form.html",
        {"submission": submission, "form_page": form_page, "form": form, "draft_key": f"balie-form-{action.pk}"},
        status=400 if request.method == "POST" and not submission.submitted_at else 200,
    )
