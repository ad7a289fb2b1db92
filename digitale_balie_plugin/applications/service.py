"""Store a citizen's answers, and turn them into a PDF the clerk can have signed."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.applications.pdf import render_submission
from digitale_balie_plugin.documents import service as documents
from digitale_balie_plugin.exceptions import CounterError
from digitale_balie_plugin.models import ActionStatus, ApplicationSubmission, Document
from digitale_balie_plugin.models.audit import record

FORM_KIND = "send_form"


def submission_for(action_id) -> ApplicationSubmission | None:
    return (
        ApplicationSubmission.objects.select_related("action__session__site", "form_page")
        .filter(action_id=action_id, action__kind=FORM_KIND)
        .first()
    )


def submit(submission: ApplicationSubmission, cleaned_data: dict) -> None:
    action = submission.action
    if action.is_final or not action.is_open:
        raise CounterError(_("This form is closed. Ask the clerk to send it again."))
    data = json.loads(json.dumps(cleaned_data, cls=DjangoJSONEncoder))
    with transaction.atomic():
        ApplicationSubmission.objects.filter(pk=submission.pk).update(data=data, submitted_at=timezone.now())
        record("form.submitted", submission, actor_label="citizen", site=action.session.site, fields=len(data))
        transition(action, ActionStatus.COMPLETED, actor_label="citizen")


def make_pdf(submission: ApplicationSubmission, *, user) -> Document:
    """Render the answers as a PDF document of the conversation (validated and scanned like any upload)."""
    if not submission.submitted_at:
        raise CounterError(_("The citizen has not sent the form yet."))
    if submission.pdf_id:
        return submission.pdf

    content = render_submission(submission)
    name = f"{submission.form_page.title[:100]}.pdf"
    with transaction.atomic():
        document = documents.upload(
            submission.action.session, SimpleUploadedFile(name, content), source="clerk", user=user
        )
        ApplicationSubmission.objects.filter(pk=submission.pk).update(pdf=document)
    return document
