"""Identity providers for strong verification: ``base`` (the contract: ``VerificationBackend``,
``VerifiedIdentity``, ``AssuranceLevel``), ``registry`` (``get_identity_providers()``,
``identity_provider_for(name)``), ``demo``, ``oidc`` (the generic OpenID Connect backend all others
build on), one module per vendor (``itsme``, ``fas``) and ``status`` (the admin's status probes).

Nothing is imported here, so importing the contract never loads a vendor.
"""
