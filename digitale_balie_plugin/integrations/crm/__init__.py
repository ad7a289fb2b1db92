"""Case registration (CRM): ``base`` (the contract), ``registry`` (``get_crm_provider()``,
``crm_provider_for(id)``), ``demo`` and one module per vendor (webhook).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
