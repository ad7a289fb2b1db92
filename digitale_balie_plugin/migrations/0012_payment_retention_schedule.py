"""Schedule the daily clean-up of payment receipt addresses past their retention period."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0011_payments"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.purge_payment_receipt_addresses",
            "digitale_balie_plugin.tasks.purge_payment_receipt_addresses_task",
            schedule_type="D",
        )
    ]
