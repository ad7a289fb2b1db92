"""A demo certificate chain (root → seal certificate) for the demo signer and the tests.

Only for ``make demo`` and tests: a municipality uses the certificate of a trust service provider.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Stad Demostad (DEMO)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_demo_chain(pkcs12_path: Path, passphrase: str) -> bytes:
    """Write a PKCS#12 file with the seal key, its certificate and the root; return the root (PEM)."""
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Demostad Demo Root"))
        .issuer_name(_name("Demostad Demo Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name("Digitale balie Stad Demostad (DEMO)"))
        .issuer_name(root.subject)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"demo-seal",
        seal_key,
        seal,
        [root],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    pkcs12_path.parent.mkdir(parents=True, exist_ok=True)
    pkcs12_path.write_bytes(data)
    pkcs12_path.chmod(0o600)
    root_pem = root.public_bytes(serialization.Encoding.PEM)
    pkcs12_path.with_suffix(".root.pem").write_bytes(root_pem)
    return root_pem
