"""The package's own permissions on Wagtail's Groups page (*Settings → Groups*).

Wagtail lists only the permissions a ``register_permissions`` hook hands it. The modeladmin screens hand over
their models' permissions (``book_on_behalf`` comes along with the appointment's), but the permissions that
guard the console, the reports and the citizen-data screen sit on models without a screen of their own
(conversation, feedback, payment). Without this hook a city could grant them only from a shell.

Wagtail shows them per model, in the "Custom permissions" column, under the model's translated name, and
translates each label through the catalogues: the labels are the ``Meta.permissions`` names, so they must not
end with the model's name (Wagtail cuts that off, and the rest has no translation).
"""

from django.apps import apps
from django.contrib.auth.models import Permission

APP_LABEL = "digitale_balie"


def custom_permission_codenames() -> list[str]:
    """Every permission the package's models declare in ``Meta.permissions``.

    Read from the models, so a permission added later reaches the Groups page without anyone editing this list.
    """
    config = apps.get_app_config(APP_LABEL)
    return [codename for model in config.get_models() for codename, _label in model._meta.permissions]


def counter_permissions():
    """What the hook registers: the custom permissions only.

    Adding, changing or deleting a conversation, a feedback answer or a payment by hand guards no screen, so
    those checkboxes would only mislead.
    """
    return Permission.objects.filter(content_type__app_label=APP_LABEL, codename__in=custom_permission_codenames())
