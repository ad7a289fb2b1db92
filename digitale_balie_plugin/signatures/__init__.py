"""Signatures during a conversation (domain logic): a verified citizen consents, the municipality seals.

The signer (``integrations.signing``) produces the PAdES signature; this package decides when it may:
the request's document unchanged since it was asked, a verified identity in this conversation at the
service's level, an explicit confirmation — and keeps document, hash, verification and time together.
"""
