"""Schedule the daily clean-up of verified identities past their retention period."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0008_identity_verification"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.purge_identities", "digitale_balie_plugin.tasks.purge_identities_task", schedule_type="D"
        )
    ]
