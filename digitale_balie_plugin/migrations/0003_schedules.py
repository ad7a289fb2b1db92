"""The package's django-q2 schedules, in the database so they survive worker restarts and exist on every install."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0002_initial"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.send_due_reminders",
            "digitale_balie_plugin.tasks.send_due_reminders_task",
            schedule_type="I",
            minutes=5,
        ),
        schedule(
            "digitale_balie.expire_actions",
            "digitale_balie_plugin.tasks.expire_actions_task",
            schedule_type="I",
            minutes=1,
        ),
        schedule(
            "digitale_balie.deliver_due_cases",
            "digitale_balie_plugin.tasks.deliver_due_cases_task",
            schedule_type="I",
            minutes=1,
        ),
        schedule(
            "digitale_balie.send_feedback_invitations",
            "digitale_balie_plugin.tasks.send_feedback_invitations_task",
            schedule_type="I",
            minutes=10,
        ),
        schedule(
            "digitale_balie.apply_retention", "digitale_balie_plugin.tasks.apply_retention_task", schedule_type="D"
        ),
    ]
