"""SMS gateways: ``base`` (the contract), ``registry`` (``get_sms_provider()``,
``sms_provider_for(id)``), ``demo`` and one module per vendor (twilio).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
