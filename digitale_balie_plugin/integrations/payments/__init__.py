"""Payment providers: ``base`` (the contract), ``registry`` (``get_payments_provider()``,
``payments_provider_for(id)``), ``demo`` and one module per vendor (mollie).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
