"""A new failure reason, ``provider_refused``: the provider's token endpoint refused this site's client
(HTTP 4xx), which only the administrator can fix, where it used to read "could not be reached".

Only the field's choices change; no row is rewritten.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0004_feedback_text_permission_label")]

    operations = [
        migrations.AlterField(
            model_name="identityverification",
            name="failure_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("cancelled", "The citizen stopped at the identity provider."),
                    ("level_too_low", "The login was not strong enough for this service."),
                    ("expired", "The request expired before the citizen finished."),
                    ("mismatch", "The person who logged in is not the expected person."),
                    ("provider_unavailable", "The identity provider could not be reached."),
                    (
                        "provider_refused",
                        "The identity provider refused the settings of this website. Trying again will not help. "
                        "The administrator must fix it.",
                    ),
                    ("invalid_response", "The identity provider's answer did not pass our checks."),
                    ("session_lost", "The login was not started in this browser, or it was started twice."),
                    ("missing_data", "The identity provider did not send the data we need."),
                    ("code_locked", "Too many wrong codes were typed."),
                ],
                max_length=24,
                verbose_name="reason",
            ),
        ),
    ]
