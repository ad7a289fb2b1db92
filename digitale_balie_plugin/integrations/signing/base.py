"""Signing integration kind: the municipality seals a PDF that records a citizen's strongly authenticated
consent (PAdES, the municipality's certificate, a visible stamp with the verified signer's name).

Legal weight, in short: an advanced electronic seal of the municipality over the document and the record
of the consent — not a qualified electronic signature of the citizen (see docs/operator.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import CounterError, IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider


class SigningError(IntegrationError):
    """The signer failed (certificate unusable, timestamp server down): the request stays open."""

    default_message = _("The document could not be signed right now. Try again in a moment.")


class DocumentNotSignable(CounterError):
    """This PDF cannot be signed (encrypted, damaged, not a PDF); ``code`` for the audit log."""

    default_message = _("This document cannot be signed. It may be damaged or protected with a password.")

    def __init__(self, message=None, code: str = "unsignable"):
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class SignatureDetails:
    signer_name: str
    reference: str
    reason: str
    location: str
    signed_at: datetime


@dataclass(frozen=True)
class SignedDocument:
    pdf: bytes
    certificate_subject: str
    timestamped: bool


class SigningProvider(BaseProvider, ABC):
    """:meth:`sign` takes the PDF's bytes and returns the signed PDF (an incremental update: the
    original bytes stay intact inside it). Raise :class:`DocumentNotSignable` for a PDF that cannot be
    signed, :class:`SigningError` for every other failure."""

    @abstractmethod
    def sign(self, pdf: bytes, details: SignatureDetails) -> SignedDocument: ...
