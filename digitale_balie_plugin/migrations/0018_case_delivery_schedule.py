"""Schedule the sweep that retries case records whose backoff passed (and those a dead worker left)."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0017_case_records"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.deliver_due_cases",
            "digitale_balie_plugin.tasks.deliver_due_cases_task",
            schedule_type="I",
            minutes=1,
        )
    ]
