"""The ``oidc_provider`` fixture lives in ``tests/oidc/fixture.py`` and is shared from ``tests/conftest.py``
(the identity tests of ``tests/identity`` use the same provider process)."""
