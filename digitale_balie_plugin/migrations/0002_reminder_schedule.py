"""Schedule the reminder sweep in django-q2's database, so it survives restarts of the worker."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0001_initial"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.send_due_reminders",
            "digitale_balie_plugin.tasks.send_due_reminders_task",
            schedule_type="I",
            minutes=5,
        )
    ]
