"""Vendors behind base classes. Nothing here imports views, pages, blocks or the service layer."""


def all_registries():
    """Every integration kind's registry, for system checks and the admin's status page."""
    from digitale_balie_plugin.integrations.antivirus import registry as antivirus
    from digitale_balie_plugin.integrations.crm import registry as crm
    from digitale_balie_plugin.integrations.payments import registry as payments
    from digitale_balie_plugin.integrations.signing import registry as signing
    from digitale_balie_plugin.integrations.sms import registry as sms
    from digitale_balie_plugin.integrations.video import registry as video

    return [sms, video, payments, antivirus, signing, crm]
