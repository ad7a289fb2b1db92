"""Schedule the daily clean-up of verified identities past their retention period."""

from django.db import migrations

FUNC = "digitale_balie_plugin.tasks.purge_identities_task"
NAME = "digitale_balie.purge_identities"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(name=NAME, defaults={"func": FUNC, "schedule_type": "D", "repeats": -1})


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0008_identity_verification"), ("django_q", "0014_schedule_cluster")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
