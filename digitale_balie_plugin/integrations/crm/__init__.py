"""Case registration (CRM): the registry of this kind and the one function callers use.

DIGITALE_BALIE = {"CRM": {"BACKEND": "webhook", "OPTIONS": {"URL": "https://crm.stad.be/hooks/balie", "SECRET": "..."}}}
"""

from digitale_balie_plugin.integrations.crm.base import CrmProvider
from digitale_balie_plugin.integrations.registry import Registry

registry: Registry[CrmProvider] = Registry("CRM", CrmProvider, default="demo")


def get_crm_provider() -> CrmProvider:
    return registry.get_provider()


from digitale_balie_plugin.integrations.crm import demo, webhook  # noqa: E402, F401
