"""CRM integration kind: one case record per ended conversation, delivered exactly once.

The record (``cases.payload``) is plain JSON — service, channel, times, outcome, clerk, notes, follow-up,
actions with their results — and never holds raw identifiers (no national number, no e-mail address).
Delivery happens in a django-q2 task with retries and backoff; the same ``idempotency_key`` goes with every
attempt for a conversation, so a receiver that saw it already can answer 2xx without storing it twice.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider


class CrmError(IntegrationError):
    """The CRM did not take the record now (timeout, 5xx, 429): try again later."""

    default_message = _("The case could not be registered in the CRM yet. It will be tried again.")


class CrmRejected(CrmError):
    """The CRM refused the record for good (4xx other than 408/429): retrying cannot help."""

    default_message = _("The CRM refused the case record.")


@dataclass(frozen=True)
class CrmResult:
    reference: str = ""


class CrmProvider(BaseProvider, ABC):
    @abstractmethod
    def register(self, record: dict, *, idempotency_key: str, url: str = "") -> CrmResult:
        """Deliver ``record`` once (one attempt, no retries inside); ``url`` is the site's own CRM address
        when it has one. Raise ``CrmRejected`` or ``CrmError``."""
