"""Document signing: ``base`` (the contract), ``registry`` (``get_signing_provider()``,
``signing_provider_for(id)``), ``demo`` and one module per vendor
(pyhanko_provider; ``certificates`` makes the demo certificate chain).

Nothing is imported here, so importing the contract never loads a vendor (nor its SDK).
"""
