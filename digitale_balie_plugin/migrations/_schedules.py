"""One way to put a django-q2 ``Schedule`` in the database from a migration (so it survives restarts
of the worker and exists on every install). A leading underscore: Django's migration loader skips it.

Kept deliberately small and stable: migrations import it, so its behaviour must never change.
"""

from django.db import migrations

#: The oldest django-q2 state with every Schedule field set here.
DJANGO_Q_DEPENDENCY = ("django_q", "0014_schedule_cluster")


def schedule(name: str, func: str, *, schedule_type: str, minutes: int | None = None) -> migrations.RunPython:
    """A reversible operation that creates the schedule ``name`` (if missing) calling ``func``."""
    defaults = {"func": func, "schedule_type": schedule_type, "repeats": -1}
    if minutes is not None:
        defaults["minutes"] = minutes

    def create(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.get_or_create(name=name, defaults=defaults)

    def delete(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(create, delete)
