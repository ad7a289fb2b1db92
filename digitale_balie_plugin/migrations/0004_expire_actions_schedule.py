"""Schedule the expiry of unfinished in-call actions, so a link sent during a call dies on time."""

from django.db import migrations

FUNC = "digitale_balie_plugin.tasks.expire_actions_task"
NAME = "digitale_balie.expire_actions"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "I", "minutes": 1, "repeats": -1}
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0003_calls_and_actions"), ("django_q", "0014_schedule_cluster")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
