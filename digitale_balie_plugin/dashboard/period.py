"""The period and scope a manager looks at: dates, service, site. Shared by the dashboard and the reports."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from digitale_balie_plugin.models import Service

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


class DateInput(forms.DateInput):
    """The browser's own date picker: keyboard-operable and translated by the browser. Wagtail's AdminDateInput
    calls ``initDateChooser`` from an inline script before its JavaScript is loaded on these screens, which
    left the dashboard's pickers dead."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("Until (included)"), widget=DateInput)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all(), required=False)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("All services")
    )

    def __init__(self, data=None, *, default_site):
        """Unbound (the defaults: the last 30 days of the request's site) until the user filters; then the
        fields they left empty keep their defaults."""
        today = timezone.localdate()
        initial = {
            "start": today - timedelta(days=DEFAULT_DAYS - 1),
            "end": today,
            "site": default_site.pk if default_site else None,
        }
        given = {name: data.get(name) for name in self.base_fields if data and data.get(name)}
        super().__init__({**initial, **given} if given else None, initial=initial)
        self.default_site = default_site
        site = self._chosen_site()
        self.fields["service"].queryset = Service.objects.canonical().for_site(site) if site else Service.objects.none()
        if Site.objects.count() < 2:
            self.fields["site"].widget = forms.HiddenInput()

    def _chosen_site(self):
        try:
            return Site.objects.get(pk=int(self.data.get("site") or 0)) if self.is_bound else self.default_site
        except (Site.DoesNotExist, ValueError, TypeError):
            return self.default_site

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end cannot be before the start."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("start", _("Choose a period of at most three years."))
        data["site"] = data.get("site") or self.default_site
        return data

    def scope(self) -> dict:
        """``site``, ``start``, ``end``, ``service`` — the defaults when the form is not valid."""
        if self.is_bound and self.is_valid():
            return {key: self.cleaned_data[key] for key in ("site", "start", "end", "service")}
        return {"site": self.default_site, "start": self.initial["start"], "end": self.initial["end"], "service": None}
