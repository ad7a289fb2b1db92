"""Antivirus integration kind: every upload is scanned before it is stored, and a scanner that cannot
answer means the upload is refused — never waved through.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.exceptions import IntegrationError
from digitale_balie_plugin.integrations.registry import BaseProvider

#: The EICAR anti-virus test file (https://www.eicar.org): every scanner reports it; harmless by design.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class ScannerUnavailable(IntegrationError):
    """The scanner did not answer (down, timeout, protocol error, size limit): refuse the upload."""

    default_message = _("Files cannot be checked for viruses right now, so they cannot be uploaded. Try again later.")


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    #: The scanner's name for what it found (``Eicar-Signature``), empty when clean. For the log and the
    #: audit event; the citizen reads only that the file was refused.
    threat: str = ""


class AntivirusProvider(BaseProvider, ABC):
    """Base class of virus scanners.

    :meth:`scan` receives the file as chunks (never the whole file in memory), makes one attempt, and
    returns a :class:`ScanResult`; it raises :class:`ScannerUnavailable` for every failure to get a
    verdict (connection refused, timeout, a protocol error, the scanner's own size limit). Callers must
    treat that as "refuse", not as "clean". Nothing else escapes (``ConfigurationError`` aside).
    """

    @abstractmethod
    def scan(self, chunks: Iterable[bytes], *, name: str = "") -> ScanResult:
        """Scan the file given as ``chunks``; ``name`` is for the log only."""
