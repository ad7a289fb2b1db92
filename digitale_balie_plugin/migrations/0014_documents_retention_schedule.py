"""Schedule the daily deletion of documents past their site's retention period."""

from django.db import migrations

from ._schedules import DJANGO_Q_DEPENDENCY, schedule


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0013_documents"), DJANGO_Q_DEPENDENCY]

    operations = [
        schedule(
            "digitale_balie.purge_documents", "digitale_balie_plugin.tasks.purge_documents_task", schedule_type="D"
        )
    ]
