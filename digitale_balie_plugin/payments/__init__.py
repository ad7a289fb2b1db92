"""Payments during a conversation, on any channel (domain logic).

The providers (Mollie, demo) live in ``integrations.payments``; this package holds what the counter
does with them: the clerk's request (an in-call action), checkout attempts with our own idempotency
keys, applying statuses forward-only, refunds, receipts and the finance report's figures.
"""
