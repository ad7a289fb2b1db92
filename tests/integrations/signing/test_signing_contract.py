"""The signer: real PAdES signatures with pyHanko, checked with pyHanko's own validator against the test root."""

import base64
import io
from datetime import UTC, datetime

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfWriter

from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.registry import ConfigWarning
from digitale_balie_plugin.integrations.signing.base import DocumentNotSignable, SignatureDetails
from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.demo import DemoSigningProvider
from digitale_balie_plugin.integrations.signing.pyhanko_provider import PyHankoProvider, run_sync
from digitale_balie_plugin.integrations.signing.registry import registry

DETAILS = SignatureDetails(
    "Jan Peeters", "DB-S1", "Aanvraag bouwvergunning", "Gent", datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
)


def a_pdf(password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    path = tmp_path_factory.mktemp("seal") / "seal.p12"
    root_pem = make_demo_chain(path, "geheim")
    return path, asn1_x509.Certificate.load(pem.unarmor(root_pem)[2])


def validate(pdf: bytes, root):
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return signature, run_sync(async_validate_pdf_signature(signature, context))


def test_a_pades_signature_that_pyhankos_validator_accepts(chain):
    path, root = chain
    original = a_pdf()
    signed = PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "geheim"}).sign(original, DETAILS)
    assert signed.pdf.startswith(original)  # an incremental update: the original bytes are untouched
    signature, status = validate(signed.pdf, root)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7.detached
    assert signature.sig_object["/Name"] == "Jan Peeters"
    assert "Stad Demostad" in signed.certificate_subject and not signed.timestamped


def test_a_changed_byte_fails_validation(chain):
    path, root = chain
    signed = bytearray(
        PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "geheim"}).sign(a_pdf(), DETAILS).pdf
    )
    index = signed.index(b"/MediaBox")
    signed[index + 1] = ord("X")  # "/XediaBox": inside the signed range
    _signature, status = validate(bytes(signed), root)
    assert not status.intact or not status.valid


def test_an_untrusted_root_is_not_trusted(chain, tmp_path):
    path, _root = chain
    other_root = make_demo_chain(tmp_path / "other.p12", "x")
    signed = PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "geheim"}).sign(a_pdf(), DETAILS).pdf
    _signature, status = validate(signed, asn1_x509.Certificate.load(pem.unarmor(other_root)[2]))
    assert status.intact and not status.trusted


@pytest.mark.parametrize(
    ("content", "code"), [(a_pdf("pw"), "encrypted"), (b"%PDF-1.7\ngarbage", "damaged"), (b"GIF89a", "damaged")]
)
def test_encrypted_damaged_or_non_pdf_documents_are_refused(chain, content, code):
    path, _root = chain
    with pytest.raises(DocumentNotSignable) as refused:
        PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "geheim"}).sign(content, DETAILS)
    assert refused.value.code == code


def test_a_wrong_passphrase_or_file_raises_instead_of_returning_nothing(chain, tmp_path):
    path, _root = chain
    with pytest.raises(ConfigurationError, match="PKCS12_PATH"):
        PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "fout"}).signer()
    with pytest.raises(ConfigurationError):
        PyHankoProvider({"PKCS12_PATH": str(tmp_path / "missing.p12"), "PKCS12_PASSPHRASE": "x"}).signer()
    assert PyHankoProvider({"PKCS12_PATH": str(path), "PKCS12_PASSPHRASE": "fout"}).check_config()


def test_the_demo_signer_warns_until_its_certificate_exists(tmp_path):
    provider = DemoSigningProvider({"PKCS12_PATH": str(tmp_path / "none.p12")})
    problems = provider.check_config()
    assert problems and all(isinstance(problem, ConfigWarning) for problem in problems)
    assert provider.is_demo and registry.get_class("demo") is DemoSigningProvider


def test_the_certificate_can_be_given_as_base64_text_instead_of_a_file(chain):
    """A secret store hands every app server the same certificate; line breaks (``base64`` wraps) are allowed."""
    path, root = chain
    encoded = base64.encodebytes(path.read_bytes()).decode()
    signed = PyHankoProvider({"PKCS12_BASE64": encoded, "PKCS12_PASSPHRASE": "geheim"}).sign(a_pdf(), DETAILS)
    _signature, status = validate(signed.pdf, root)
    assert "\n" in encoded and status.intact and status.valid and status.trusted
    # the content wins over a path that does not exist on this server
    both = PyHankoProvider({"PKCS12_BASE64": encoded, "PKCS12_PATH": "/nowhere.p12", "PKCS12_PASSPHRASE": "geheim"})
    assert both.check_config() == []


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"PKCS12_BASE64": "not base64!", "PKCS12_PASSPHRASE": "geheim"}, "PKCS12_BASE64"),
        ({"PKCS12_BASE64": base64.b64encode(b"not a certificate").decode()}, "PKCS12_BASE64"),
        ({"PKCS12_PASSPHRASE": "geheim"}, "PKCS12_BASE64"),
    ],
    ids=["not base64", "not pkcs12", "neither"],
)
def test_a_malformed_or_missing_certificate_is_named_not_a_traceback(options, named):
    with pytest.raises(ConfigurationError, match=named):
        PyHankoProvider(options).signer()
    (problem,) = PyHankoProvider(options).check_config()
    assert named in problem


def test_the_demo_signer_takes_its_certificate_as_text_and_the_command_prints_it(tmp_path, settings):
    from django.core.management import call_command

    settings.BASE_DIR = tmp_path
    out, err = io.StringIO(), io.StringIO()
    call_command("balie_demo_signing_cert", "--base64", stdout=out, stderr=err)
    printed = out.getvalue().strip()
    assert "written" in err.getvalue() and base64.b64decode(printed, validate=True)
    (tmp_path / "var" / "signing" / "demo-seal.p12").unlink()  # the other servers have no file
    provider = DemoSigningProvider({"PKCS12_BASE64": printed})
    assert provider.check_config() == [] and "Demostad" in provider.sign(a_pdf(), DETAILS).certificate_subject
    out = io.StringIO()
    call_command("balie_demo_signing_cert", "--base64", stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() != printed  # the file was gone: a new certificate
