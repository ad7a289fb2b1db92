"""Strong identity verification during a conversation, on any channel (domain logic).

The providers themselves (itsme, FAS/CSAM, generic OpenID Connect, demo) live in
``integrations.identity``; this package holds what the counter does with them: the clerk's request
(an in-call action), the comparison with the expected person, storage with data minimisation,
retention, and the signals.
"""
