"""Virus scanners: ``base`` (the contract), ``registry`` (``get_antivirus_provider()``,
``antivirus_provider_for(id)``), ``demo`` and one module per vendor (clamav).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
