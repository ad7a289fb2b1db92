"""A plain, readable PDF of a form's answers (fpdf2 with its core font: Western European text)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digitale_balie_plugin.conf import app_settings


def _text(value: str) -> str:
    """The core font covers Windows-1252 (Dutch, French, English, €); anything else becomes '?'."""
    return str(value).encode("cp1252", "replace").decode("cp1252")


def render_submission(submission) -> bytes:
    # Imported here, not at the top: fpdf2 is the "forms" extra, and this module is loaded by every site
    # (the page models import the forms capability); system check E012 names the extra when it is missing.
    from fpdf import FPDF

    session = submission.action.session
    pdf = FPDF(format="A4")
    pdf.set_title(_text(submission.form_page.title))
    pdf.set_creator("Digitale balie")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _text(submission.form_page.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    submitted = timezone.localtime(submission.submitted_at, app_settings.TIME_ZONE).strftime("%d/%m/%Y %H:%M")
    meta = _("Sent on %(time)s in a conversation with %(site)s. Reference F%(pk)s.") % {
        "time": submitted,
        "site": session.site.site_name,
        "pk": submission.pk,
    }
    pdf.multi_cell(0, 6, _text(meta), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, answer in submission.answers():
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _text(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, _text(answer or "-"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
