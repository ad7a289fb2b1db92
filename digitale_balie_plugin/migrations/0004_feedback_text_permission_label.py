"""A new label for ``view_feedback_text``, and the same label on installs that already have the permission.

Wagtail's Groups page drops a model's name from the end of a permission's label ("Can read what citizens wrote
in their feedback" became "Can read what citizens wrote in their", which no catalogue translates). Django
creates permissions but never renames them, so the row is updated here.
"""

from django.db import migrations

OLD = "Can read what citizens wrote in their feedback"
NEW = "Can read feedback comments and contact details"


def relabel(old, new):
    def run(apps, schema_editor):
        Permission = apps.get_model("auth", "Permission")
        Permission.objects.filter(
            content_type__app_label="digitale_balie", codename="view_feedback_text", name=old
        ).update(name=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("digitale_balie", "0003_schedules"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.AlterModelOptions(
            name="feedback",
            options={
                "ordering": ["-given_on", "-pk"],
                "permissions": [
                    ("view_feedback_report", "Can see the feedback report"),
                    ("view_feedback_text", NEW),
                    ("view_counter_dashboard", "Can see the digital counter's figures"),
                ],
                "verbose_name": "feedback",
                "verbose_name_plural": "feedback",
            },
        ),
        migrations.RunPython(relabel(OLD, NEW), relabel(NEW, OLD)),
    ]
