"""Form errors a screen reader can find: every invalid field points at its error text.

Shared by the citizen forms of every capability and by editors' application forms.
"""

from __future__ import annotations


def error_text(form) -> str:
    """Every error of ``form`` in one line, for a message on a screen with many forms (the console)."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class AccessibleErrorsMixin:
    """Point each invalid field at its error text (``aria-describedby``), so screen readers read it."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            ids = [f"{self[name].auto_id}_error"]
            if self.fields[name].help_text:
                ids.insert(0, f"{self[name].auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)
            self.fields[name].widget.attrs["aria-invalid"] = "true"
