"""The default CRM: accepts every record and answers with a reference; the records themselves are the
``CaseRecord`` rows, visible in the admin (Digital counter → Case records)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.integrations.crm.base import CrmProvider, CrmResult
from digitale_balie_plugin.integrations.crm.registry import registry


@registry.register("demo")
class DemoCrmProvider(CrmProvider):
    verbose_name = _("Demo (keeps the records in the admin)")
    is_demo = True

    def register(self, record, *, idempotency_key, url=""):
        return CrmResult(reference="DEMO-" + idempotency_key[:8].upper())
