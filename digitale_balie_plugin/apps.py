from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitaleBalieConfig(AppConfig):
    name = "digitale_balie_plugin"
    label = "digitale_balie"
    verbose_name = _("Digital counter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Register what the app brings, once the models are loaded: imports here run their registrations
        (system checks, the built-in action types, the built-in providers of every integration kind)."""
        from django_q.signals import post_execute_in_worker, pre_enqueue, pre_execute

        from digitale_balie_plugin import checks  # noqa: F401  (system checks)
        from digitale_balie_plugin.actions import message  # noqa: F401  ("Send a message")
        from digitale_balie_plugin.applications import action as form_action  # noqa: F401  ("Send a form")
        from digitale_balie_plugin.documents import action as documents_action  # noqa: F401  ("Exchange documents")
        from digitale_balie_plugin.identity import action  # noqa: F401  ("Verify identity")
        from digitale_balie_plugin.identity.pipeline import VERIFICATION_PIPELINE
        from digitale_balie_plugin.integrations.identity.base import VerificationBackend
        from digitale_balie_plugin.integrations.providers import register_providers
        from digitale_balie_plugin.payments import action as payment_action  # noqa: F401  ("Request payment")
        from digitale_balie_plugin.request_id import DISPATCH_UID, enter_task, leave_task, stamp_task
        from digitale_balie_plugin.signal_handlers import register_signal_handlers
        from digitale_balie_plugin.signatures import action as signature_action  # noqa: F401  ("Request a signature")

        register_providers()
        VerificationBackend.use_pipeline(VERIFICATION_PIPELINE)
        register_signal_handlers()
        # A task's log lines carry the id of the request that enqueued it (request_id.py).
        pre_enqueue.connect(stamp_task, dispatch_uid=DISPATCH_UID)
        pre_execute.connect(enter_task, dispatch_uid=DISPATCH_UID)
        post_execute_in_worker.connect(leave_task, dispatch_uid=DISPATCH_UID)
