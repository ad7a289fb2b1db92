"""From figures to what the dashboard shows: labelled key figures and the charts."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from digitale_balie_plugin.dashboard.charts import bar_chart, column_chart
from digitale_balie_plugin.dashboard.metrics import Figures, Rate, ServiceRow
from digitale_balie_plugin.models.choices import Channel


def percent(rate: Rate) -> str:
    return "–" if rate.percent is None else f"{number_format(rate.percent, 0)} %"


def score(value) -> str:
    return "–" if value is None else number_format(value, 1)


def charts(figures: Figures) -> list:
    channels = [(Channel(name).label, count, str(count)) for name, count in figures.conversations.items()]
    channels += [
        (_("Desk visits (entered)"), figures.desk_visits, str(figures.desk_visits)),
        (_("Phone calls (entered)"), figures.phone_calls, str(figures.phone_calls)),
    ]
    weeks = [
        (_("week of %(date)s") % {"date": week.strftime("%d/%m")}, average, score(average))
        for week, average, _answers in figures.satisfaction_by_week
    ]
    success_labels = {
        "verification": _("Identity verifications"),
        "payment": _("Payments"),
        "signature": _("Signatures"),
    }
    success = [
        (label, figures.success[key].percent, _rate_text(figures.success[key])) for key, label in success_labels.items()
    ]
    success.append(
        (
            _("Identity verified when the service needs it"),
            figures.identity_when_needed.percent,
            _rate_text(figures.identity_when_needed),
        )
    )
    capability_labels = {
        "verification": _("Identity verification"),
        "documents": _("Documents"),
        "signature": _("Signature"),
        "payment": _("Payment"),
    }
    capabilities = [
        (label, figures.services_with[key], str(figures.services_with[key])) for key, label in capability_labels.items()
    ]
    return [
        bar_chart(
            channels,
            title=_("Conversations per channel"),
            description=_("Digital counter conversations by channel, and the conversations counted elsewhere."),
        ),
        column_chart(weeks, title=_("Citizen satisfaction per week (1 to 5)"), maximum=5),
        bar_chart(
            success,
            title=_("Success rate (%)"),
            description=_("Share of the requests that ended well, of those that ended."),
            maximum=100,
        ),
        bar_chart(
            capabilities, title=_("Services offered with each capability"), maximum=max(figures.services_active, 1)
        ),
    ]


def _rate_text(rate: Rate) -> str:
    return f"{percent(rate)} ({rate.part}/{rate.whole})"


def key_figures(figures: Figures) -> list[tuple[str, object]]:
    """(label, value) of every figure, for the export."""
    counts = figures.notifications
    rows = [(_("Conversations at the digital counter"), figures.counter_total)]
    rows += [(str(Channel(name).label), count) for name, count in figures.conversations.items()]
    rows += [
        (_("Desk visits (entered)"), figures.desk_visits),
        (_("Phone calls (entered)"), figures.phone_calls),
        (_("Share of the digital counter"), percent(figures.digital_share)),
        (_("Trips to the town hall avoided"), figures.trips_avoided),
        (_("Kilometres avoided"), figures.km_avoided),
        (_("kg CO2 avoided"), figures.co2_kg_avoided),
        (_("Citizen satisfaction (1 to 5)"), score(figures.satisfaction)),
        (_("Answers"), figures.satisfaction_answers),
        (_("Would use it again"), percent(figures.would_use_again)),
        (_("Clerk satisfaction (1 to 5)"), score(figures.clerk_satisfaction)),
        (_("Identity verified when the service needs it"), percent(figures.identity_when_needed)),
        (_("Identity verifications"), percent(figures.success["verification"])),
        (_("Payments"), percent(figures.success["payment"])),
        (_("Signatures"), percent(figures.success["signature"])),
        (_("No-shows"), percent(figures.no_show)),
        (_("Average wait in the waiting room"), score(figures.average_wait_minutes)),
        (_("E-mails sent about appointments"), counts.get("emails_sent", 0)),
        (_("E-mails failed"), counts.get("emails_failed", 0)),
        (_("SMS delivered"), counts.get("sms_delivered", 0)),
        (_("SMS failed"), counts.get("sms_failed", 0)),
        (_("Messages opened"), counts.get("opened", 0)),
    ]
    return rows


def service_columns() -> list[str]:
    return [
        _("Service"),
        _("Conversations"),
        _("Of which video, phone or chat"),
        _("Satisfaction"),
        _("Answers"),
        _("No-shows"),
        _("Identity verifications"),
    ]


def service_row(row: ServiceRow) -> dict:
    return {
        "service": row.service,
        "conversations": row.conversations,
        "remote": row.remote,
        "satisfaction": score(row.satisfaction),
        "answers": row.answers,
        "no_show": percent(row.no_show),
        "verification": _rate_text(row.verification) if row.verification.whole else "–",
    }
