from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitaleBalieConfig(AppConfig):
    name = "digitale_balie_plugin"
    label = "digitale_balie"
    verbose_name = _("Digital counter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from digitale_balie_plugin import checks  # noqa: F401  (registers system checks)
        from digitale_balie_plugin.actions import message  # noqa: F401  (registers the built-in action type)
        from digitale_balie_plugin.applications import action as form_action  # noqa: F401  (registers "Send a form")
        from digitale_balie_plugin.documents import action as documents_action  # noqa: F401  (registers "Exchange documents")
        from digitale_balie_plugin.identity import action  # noqa: F401  (registers "Verify identity")
        from digitale_balie_plugin.payments import action as payment_action  # noqa: F401  (registers "Request payment")
        from digitale_balie_plugin.signal_handlers import register_signal_handlers
        from digitale_balie_plugin.signatures import action as signature_action  # noqa: F401  (registers "Request a signature")

        register_signal_handlers()
