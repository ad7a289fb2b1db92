"""ClamAV through ``clamd``'s INSTREAM command, over TCP or a Unix socket (no client library needed).

Protocol (clamd(8)): send ``zINSTREAM\\0``, then chunks each prefixed by their length as a 4-byte
big-endian unsigned integer, then a zero-length chunk; clamd answers ``stream: OK``,
``stream: <name> FOUND`` or ``<message> ERROR`` (e.g. "INSTREAM size limit exceeded"), NUL-terminated.
"""

from __future__ import annotations

import logging
import socket
import struct

from django.utils.translation import gettext_lazy as _

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.integrations.antivirus.base import AntivirusProvider, ScannerUnavailable, ScanResult
from digitale_balie_plugin.integrations.antivirus.registry import registry
from digitale_balie_plugin.integrations.registry import StatusLine

logger = logging.getLogger("digitale_balie.antivirus")

CHUNK = 64 * 1024


@registry.register("clamav")
class ClamAVProvider(AntivirusProvider):
    """Options: ``SOCKET`` (a Unix socket path) or ``HOST`` + ``PORT`` (default 3310); ``TIMEOUT`` seconds
    (default 30). clamd's ``StreamMaxLength`` must be at least the site's maximum upload size."""

    verbose_name = "ClamAV (clamd)"

    def scan(self, chunks, *, name=""):
        try:
            with self._connect() as connection:
                connection.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK):
                        part = chunk[start : start + CHUNK]
                        connection.sendall(struct.pack("!L", len(part)) + part)
                connection.sendall(struct.pack("!L", 0))
                answer = _read_answer(connection)
        except OSError as exc:
            logger.error("clamd could not scan %r: %s", name, exc)
            raise ScannerUnavailable() from exc
        return self._result(answer, name)

    def ping(self) -> bool:
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\0")
                return _read_answer(connection) == "PONG"
        except OSError:
            return False

    def check_config(self):
        """Options only (``manage.py check`` must not depend on clamd running); see :meth:`check_status`."""
        if not self.options.get("SOCKET") and not self.options.get("HOST"):
            setting = f'{SETTING_NAME}["ANTIVIRUS"]["OPTIONS"]'
            return [str(_('ClamAV: set %(setting)s["SOCKET"] or ["HOST"].')) % {"setting": setting}]
        return []

    def check_status(self) -> list[StatusLine]:
        """For the integrations status page: does clamd answer PING?"""
        answers = self.ping()
        return [StatusLine(str(_("clamd answers")), answers, "" if answers else str(_("No answer to PING.")))]

    def _connect(self) -> socket.socket:
        timeout = float(self.options.get("TIMEOUT", 30))
        if self.options.get("SOCKET"):
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(timeout)
            connection.connect(self.options["SOCKET"])
            return connection
        address = (str(self.options.get("HOST", "127.0.0.1")), int(self.options.get("PORT", 3310)))
        return socket.create_connection(address, timeout=timeout)

    def _result(self, answer: str, name: str) -> ScanResult:
        if answer.endswith(" FOUND"):
            threat = answer.removeprefix("stream:").removesuffix(" FOUND").strip()
            logger.warning("clamd found %s in %r", threat, name)
            return ScanResult(clean=False, threat=threat)
        if answer == "stream: OK":
            return ScanResult(clean=True)
        logger.error("clamd could not scan %r: %s", name, answer)
        raise ScannerUnavailable()


def _read_answer(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = connection.recv(4096)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()
