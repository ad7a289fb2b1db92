"""Amounts of money as people read and type them: one formatter for the whole package.

``euro()`` for what is shown (``€ 12,50`` in Dutch and French, ``€ 12.50`` in English, grouped thousands);
``amount_input()`` for the value of an amount field (``12,50``: what ``forms.AmountField`` reads back).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def euro(amount: Decimal) -> str:
    """``€ 12,50`` in Dutch and French, ``€ 12.50`` in English (the active language's format)."""
    return f"€ {number_format(amount, 2, use_l10n=True, force_grouping=True)}"


def amount_input(amount: Decimal) -> str:
    """An amount as the value of a form field, in the active language's decimal format, without grouping."""
    return number_format(amount, 2, use_l10n=True) if amount is not None else ""
