"""Schedule the reminder sweep in django-q2's database, so it survives restarts of the worker."""

from django.db import migrations

FUNC = "digitale_balie_plugin.tasks.send_due_reminders_task"
NAME = "digitale_balie.send_due_reminders"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1}
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("digitale_balie", "0001_initial"),
        ("django_q", "0014_schedule_cluster"),  # the oldest state with every field we set
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
