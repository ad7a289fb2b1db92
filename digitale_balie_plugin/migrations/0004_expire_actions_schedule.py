"""Schedule the expiry of unfinished in-call actions, so a link sent during a call dies on time."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0003_calls_and_actions"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.expire_actions",
            "digitale_balie_plugin.tasks.expire_actions_task",
            schedule_type="I",
            minutes=1,
        )
    ]
