from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitaleBalieCmsConfig(AppConfig):
    """The pages, blocks and admin screens of the digital counter (install next to ``digitale_balie_plugin``)."""

    name = "digitale_balie_plugin.cms"
    label = "digitale_balie_cms"
    verbose_name = _("Digital counter pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from digitale_balie_plugin.cms.signal_handlers import connect_page_signals

        connect_page_signals()
