"""Public holidays as closures, from the ``holidays`` package (Belgium by default)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import holidays as holidays_lib
from django.db import transaction

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.models import Closure


def load_public_holidays(site, years: list[int], country: str = "BE", subdiv: str | None = None) -> int:
    """Close every seat of ``site`` on each public holiday; safe to run again (returns rows created)."""
    tz = app_settings.TIME_ZONE
    created = 0
    with transaction.atomic():
        for day, name in sorted(
            holidays_lib.country_holidays(country, subdiv=subdiv, years=years, language="nl").items()
        ):
            start = datetime.combine(day, time.min, tzinfo=tz)
            end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
            _, was_created = Closure.objects.get_or_create(
                site=site,
                kind=Closure.Kind.HOLIDAY,
                start=start,
                defaults={"end": end, "reason": name[:200]},
            )
            created += was_created
    return created
