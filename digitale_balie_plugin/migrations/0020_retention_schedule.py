"""One daily retention job instead of three: ``digitale_balie.apply_retention`` replaces the schedules of
migrations 0009 (identities), 0012 (payment receipt addresses) and 0014 (documents)."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule

REPLACED = (
    ("digitale_balie.purge_identities", "digitale_balie_plugin.tasks.purge_identities_task"),
    (
        "digitale_balie.purge_payment_receipt_addresses",
        "digitale_balie_plugin.tasks.purge_payment_receipt_addresses_task",
    ),
    ("digitale_balie.purge_documents", "digitale_balie_plugin.tasks.purge_documents_task"),
)


def remove_replaced(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[name for name, _func in REPLACED]).delete()


def restore_replaced(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func in REPLACED:
        Schedule.objects.get_or_create(name=name, defaults={"func": func, "schedule_type": "D", "repeats": -1})


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0019_after_the_call"), DJANGO_Q_DEPENDENCY]

    operations = [
        migrations.RunPython(remove_replaced, restore_replaced),
        schedule(
            "digitale_balie.apply_retention", "digitale_balie_plugin.tasks.apply_retention_task", schedule_type="D"
        ),
    ]
