"""The default scanner for ``make demo`` and tests: it records every scan and knows one virus only,
the EICAR test file (so the refusal path can be walked offline). It protects nothing: a system check
warns when it is active in production (``W001``)."""

from __future__ import annotations

import hashlib
import logging
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.integrations.antivirus.base import EICAR, AntivirusProvider, ScanResult
from digitale_balie_plugin.integrations.antivirus.registry import registry

logger = logging.getLogger("digitale_balie.antivirus")


@registry.register("demo")
class DemoAntivirus(AntivirusProvider):
    verbose_name = _("Demo (recognises only the EICAR test file)")
    is_demo = True

    #: (name, sha256, verdict) of every scan this process made: the tests' window only, nothing reads it to work
    #: (several app servers each keep their own; the verdicts that matter are in the audit log).
    scanned: ClassVar[list[tuple[str, str, bool]]] = []

    def scan(self, chunks, *, name=""):
        digest, tail, found = hashlib.sha256(), b"", False
        for chunk in chunks:
            digest.update(chunk)
            found = found or EICAR in tail + chunk
            tail = (tail + chunk)[-len(EICAR) :]
        self.scanned.append((name, digest.hexdigest(), not found))
        logger.info("Demo scan of %r: %s", name, "EICAR test file" if found else "nothing known found")
        return ScanResult(clean=not found, threat="Eicar-Test-Signature" if found else "")
