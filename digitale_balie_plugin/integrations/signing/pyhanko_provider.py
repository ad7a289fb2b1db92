"""PAdES signatures with pyHanko, with the municipality's certificate from PKCS#12: a file, or its content
(base64) from a secret store, so that several app servers and workers need no file on their own disk.

Facts relied on (pyHanko's documentation and source): ``SimpleSigner.load_pkcs12_data`` raises
``ValueError`` on a bad file or passphrase (``load_pkcs12`` would return ``None`` instead);
``SigSeedSubFilter.PADES`` gives ``ETSI.CAdES.detached`` (not ``adbe.pkcs7.detached``); signing writes an
incremental update, so the signed bytes cover the whole original file; ``HTTPTimeStamper`` adds an
RFC 3161 timestamp. An HSM would replace ``SimpleSigner`` by pyHanko's ``PKCS11Signer`` here, nothing else.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.signing.base import (
    DocumentNotSignable,
    SignatureDetails,
    SignedDocument,
    SigningError,
    SigningProvider,
)
from digitale_balie_plugin.integrations.signing.registry import registry

logger = logging.getLogger("digitale_balie.signing")

FIELD = "DigitaleBalie-Signature"


def run_sync(coroutine):
    """Run one of pyHanko's coroutines from synchronous code. pyHanko's own sync wrappers call
    ``asyncio.run``, which fails in a thread that already runs an event loop (an ASGI worker's loop
    thread, Playwright in the tests); then the coroutine runs in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@registry.register("pyhanko")
class PyHankoProvider(SigningProvider):
    """Options: ``PKCS12_BASE64`` (the PKCS#12 content, base64) or ``PKCS12_PATH`` (a file), ``PKCS12_PASSPHRASE``,
    ``TIMESTAMP_URL`` (optional, RFC 3161), ``LOCATION`` (e.g. the city's name). The content wins when both are set."""

    verbose_name = "pyHanko (PAdES)"

    def signer(self):
        from pyhanko.sign import signers

        source, data = self._pkcs12()
        passphrase = str(self.options.get("PKCS12_PASSPHRASE") or "").encode() or None
        try:
            return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
        except ValueError as exc:
            raise ConfigurationError(
                f'{self.verbose_name}: {SETTING_NAME}["SIGNING"]["OPTIONS"]["{source}"] cannot be loaded with '
                f"its passphrase: {type(exc).__name__}"
            ) from exc

    def _pkcs12(self) -> tuple[str, bytes]:
        """(the option it came from, the PKCS#12 bytes); a ``ConfigurationError`` naming the option otherwise."""
        where = f'{self.verbose_name}: {SETTING_NAME}["SIGNING"]["OPTIONS"]'
        encoded = "".join(str(self.options.get("PKCS12_BASE64") or "").split())  # line breaks of `base64` allowed
        if encoded:
            try:
                return "PKCS12_BASE64", base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ConfigurationError(f'{where}["PKCS12_BASE64"] is not valid base64.') from exc
        if not self.options.get("PKCS12_PATH"):
            raise ConfigurationError(f'{where}: set "PKCS12_BASE64" (the certificate\'s content) or "PKCS12_PATH".')
        try:
            return "PKCS12_PATH", Path(str(self.options["PKCS12_PATH"])).read_bytes()
        except OSError as exc:
            raise ConfigurationError(f'{where}["PKCS12_PATH"] cannot be read: {type(exc).__name__}') from exc

    def sign(self, pdf: bytes, details: SignatureDetails) -> SignedDocument:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError

        signer = self.signer()
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise DocumentNotSignable(code="damaged") from exc
        if writer.prev.encrypted:
            raise DocumentNotSignable(_("This PDF is protected with a password and cannot be signed."), "encrypted")
        try:
            signed = run_sync(self._pdf_signer(signer, details).async_sign_pdf(writer)).getvalue()
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise DocumentNotSignable(code="damaged") from exc
        except OSError as exc:  # the timestamp server (requests' errors are OSErrors)
            logger.error("Signing failed: %s", exc)
            raise SigningError() from exc
        subject = signer.signing_cert.subject.human_friendly
        return SignedDocument(
            pdf=signed, certificate_subject=subject, timestamped=bool(self.options.get("TIMESTAMP_URL"))
        )

    def _pdf_signer(self, signer, details: SignatureDetails):
        from pyhanko import stamp
        from pyhanko.sign import fields, signers, timestamps

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=details.reason,
            location=details.location or str(self.options.get("LOCATION") or ""),
            name=details.signer_name,
        )
        text = "\n".join(
            [
                str(_("Signed by %(name)s") % {"name": details.signer_name}),
                details.signed_at.strftime("%d/%m/%Y %H:%M"),
                str(_("Reference %(reference)s") % {"reference": details.reference}),
            ]
        )
        # pyHanko interpolates the stamp text itself (``%(ts)s``): a literal % must be doubled.
        style = stamp.TextStampStyle(stamp_text=str(text).replace("%", "%%"), border_width=1)
        timestamp_url = self.options.get("TIMESTAMP_URL")
        return signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD, on_page=-1, box=(40, 40, 300, 110)),
        )

    def check_config(self):
        try:
            self.signer()
        except ConfigurationError as exc:
            return [str(exc)]
        return []
