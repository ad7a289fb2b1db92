"""Virus scanners: one contract (EICAR is found, clean files pass, chunks are enough) that the demo scanner
and ClamAV both honour — ClamAV against a real ``clamd`` (tests/clamd: started by ``.ci/run`` with a
signature database holding the EICAR test file only; locally skipped when no clamd runs, a failure in
CI) — plus ClamAV's failure handling against a local server speaking clamd's INSTREAM protocol."""

import os
import socket
import struct
import threading

import pytest
from django.test import override_settings

from digitale_balie_plugin.integrations.antivirus.base import EICAR, ScannerUnavailable
from digitale_balie_plugin.integrations.antivirus.clamav import ClamAVProvider
from digitale_balie_plugin.integrations.antivirus.demo import DemoAntivirus
from digitale_balie_plugin.integrations.antivirus.registry import get_antivirus_provider, registry
from tests.conftest import require

CLAMD = os.environ.get("BALIE_TEST_CLAMD", "127.0.0.1:3310")


class AntivirusContract:
    def provider(self):
        raise NotImplementedError

    def test_finds_the_eicar_test_file(self):
        result = self.provider().scan([EICAR], name="eicar.com")
        assert not result.clean and result.threat

    def test_finds_it_split_over_chunks(self):
        result = self.provider().scan([EICAR[:20], EICAR[20:]], name="eicar.com")
        assert not result.clean

    def test_passes_a_clean_file(self):
        assert self.provider().scan([b"%PDF-1.7\n" + b"x" * 200_000], name="ok.pdf").clean


class TestDemo(AntivirusContract):
    def provider(self):
        return DemoAntivirus()

    def test_records_every_scan_and_is_a_demo(self):
        DemoAntivirus.scanned.clear()
        DemoAntivirus().scan([b"hello"], name="a.txt")
        assert DemoAntivirus.scanned[-1][0] == "a.txt" and DemoAntivirus.is_demo
        assert registry.get_class("demo") is DemoAntivirus


class TestClamd(AntivirusContract):
    def provider(self):
        host, port = CLAMD.rsplit(":", 1)
        provider = ClamAVProvider({"HOST": host, "PORT": int(port), "TIMEOUT": 10})
        require(provider.ping(), f"no clamd answers at {CLAMD} (.ci/run starts one; BALIE_TEST_CLAMD)")
        return provider

    def test_status_line(self):
        assert self.provider().check_status()[0].ok is True


def fake_clamd(answer: bytes):
    """A one-shot server speaking INSTREAM: it reads the chunks, then says ``answer``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received = []

    def serve():
        connection, _ = server.accept()
        with connection:
            data = b""
            while not data.startswith(b"zINSTREAM\0"):
                data += connection.recv(10)
            data = data[len(b"zINSTREAM\0") :]
            while True:
                while len(data) < 4:
                    data += connection.recv(65536)
                (size,) = struct.unpack("!L", data[:4])
                data = data[4:]
                if size == 0:
                    break
                while len(data) < size:
                    data += connection.recv(65536)
                received.append(data[:size])
                data = data[size:]
            if answer:
                connection.sendall(answer)
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1], received


@pytest.mark.parametrize(
    ("answer", "clean"), [(b"stream: OK\0", True), (b"stream: Win.Test.EICAR_HDB-1 FOUND\0", False)]
)
def test_clamav_reads_clamds_answers(answer, clean):
    port, received = fake_clamd(answer)
    result = ClamAVProvider({"HOST": "127.0.0.1", "PORT": port}).scan([b"a" * 100_000, b"b"], name="x.pdf")
    assert result.clean is clean
    assert b"".join(received) == b"a" * 100_000 + b"b"  # streamed in INSTREAM chunks, nothing lost
    if not clean:
        assert result.threat == "Win.Test.EICAR_HDB-1"


@pytest.mark.parametrize("answer", [b"INSTREAM size limit exceeded. ERROR\0", b""])
def test_clamav_errors_refuse_the_upload(answer):
    port, _ = fake_clamd(answer)
    with pytest.raises(ScannerUnavailable):
        ClamAVProvider({"HOST": "127.0.0.1", "PORT": port, "TIMEOUT": 5}).scan([b"data"], name="x.pdf")


def test_an_unreachable_clamd_refuses_instead_of_waving_through():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    provider = ClamAVProvider({"HOST": "127.0.0.1", "PORT": port, "TIMEOUT": 2})
    with pytest.raises(ScannerUnavailable):
        provider.scan([b"data"])
    assert provider.check_status()[0].ok is False and provider.check_config() == []


def test_clamav_options_are_checked_without_a_connection():
    with override_settings(DIGITALE_BALIE={"ANTIVIRUS": {"BACKEND": "clamav", "OPTIONS": {}}}):
        assert get_antivirus_provider().check_config()
