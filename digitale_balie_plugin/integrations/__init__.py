"""Vendors behind base classes. Nothing here imports views, pages, blocks or the service layer."""


def all_registries():
    """Every integration kind's registry, for system checks and the admin's status page."""
    from .antivirus import registry as antivirus
    from .crm import registry as crm
    from .payments import registry as payments
    from .signing import registry as signing
    from .sms import registry as sms
    from .video import registry as video

    return [sms, video, payments, antivirus, signing, crm]
