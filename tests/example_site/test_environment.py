"""The production settings' helpers (example_site/settings/environment.py): the object store and the choice of
provider by environment variable, each failing with the variable's name instead of a traceback."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from example_site.settings.environment import S3_BACKEND, integration, s3_documents_storage

S3_VARIABLES = (
    "BALIE_S3_BUCKET",
    "BALIE_S3_ENDPOINT_URL",
    "BALIE_S3_REGION",
    "BALIE_S3_ACCESS_KEY_ID",
    "BALIE_S3_SECRET_ACCESS_KEY",
    "BALIE_S3_PREFIX",
    "BALIE_S3_ADDRESSING_STYLE",
    "BALIE_S3_ACL",
    "BALIE_S3_ENCRYPTION",
    "BALIE_S3_KMS_KEY_ID",
    "BALIE_S3_MAX_MEMORY_SIZE",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in (*S3_VARIABLES, "BALIE_PAYMENTS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_a_bucket_the_documents_stay_in_the_directory():
    assert s3_documents_storage() is None


def test_a_bucket_is_private_never_overwritten_and_signed_v4(clean_environment):
    for name, value in {
        "BALIE_S3_BUCKET": "stad-balie",
        "BALIE_S3_ENDPOINT_URL": "https://s3.gra.io.cloud.ovh.net",
        "BALIE_S3_REGION": "gra",
        "BALIE_S3_ADDRESSING_STYLE": "path",
        "BALIE_S3_PREFIX": "balie/documents",
        "BALIE_S3_ENCRYPTION": "aws:kms",
        "BALIE_S3_KMS_KEY_ID": "alias/balie",
    }.items():
        clean_environment.setenv(name, value)
    storage = s3_documents_storage()
    assert storage["BACKEND"] == S3_BACKEND
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "stad-balie" and options["endpoint_url"] == "https://s3.gra.io.cloud.ovh.net"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False
    assert options["querystring_auth"] is True and options["signature_version"] == "s3v4"
    assert options["addressing_style"] == "path" and options["location"] == "balie/documents"
    assert options["object_parameters"] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/balie"}
    assert options["max_memory_size"] > 0  # a large download spills to a temporary file, not all in memory
    assert "access_key" not in options and "secret_key" not in options  # boto3's chain: AWS_*, a role


def test_no_acl_for_a_bucket_without_acls(clean_environment):
    clean_environment.setenv("BALIE_S3_BUCKET", "b")
    clean_environment.setenv("BALIE_S3_ACL", "")
    assert s3_documents_storage()["OPTIONS"]["default_acl"] is None


@pytest.mark.parametrize(
    ("name", "value"), [("BALIE_S3_ADDRESSING_STYLE", "sideways"), ("BALIE_S3_MAX_MEMORY_SIZE", "2MB")]
)
def test_a_malformed_value_names_its_variable(clean_environment, name, value):
    clean_environment.setenv("BALIE_S3_BUCKET", "b")
    clean_environment.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        s3_documents_storage()


def test_a_provider_is_the_real_one_unless_demo_is_chosen(clean_environment):
    def real_options():
        return {"API_KEY": "live_x"}

    assert integration("BALIE_PAYMENTS_BACKEND", "mollie", real_options) == {
        "BACKEND": "mollie",
        "OPTIONS": {"API_KEY": "live_x"},
    }
    clean_environment.setenv("BALIE_PAYMENTS_BACKEND", "demo")

    def unreachable():
        raise AssertionError("the real provider's variables are not read for the demo")

    assert integration("BALIE_PAYMENTS_BACKEND", "mollie", unreachable, {"A": "1", "B": ""}) == {
        "BACKEND": "demo",
        "OPTIONS": {"A": "1"},  # an empty option would count as set
    }
    clean_environment.setenv("BALIE_PAYMENTS_BACKEND", "stripe")
    with pytest.raises(ImproperlyConfigured, match="BALIE_PAYMENTS_BACKEND"):
        integration("BALIE_PAYMENTS_BACKEND", "mollie", real_options)


def test_every_variable_the_production_settings_read_is_in_the_operator_guide():
    """The environment table of docs/operator.md is the operator's only list: a variable missing there is unknown."""
    settings_dir = Path(__file__).resolve().parents[2] / "example_site" / "settings"
    names = set()
    for module in ("production.py", "environment.py"):
        text = (settings_dir / module).read_text()
        names |= set(re.findall(r'(?:env|env_int|env_list|integration)\(\s*"([A-Z0-9_]+)"', text))
        names |= set(re.findall(r':\s*"(BALIE_[A-Z0-9_]+)"', text))  # the bucket's optional variables
    guide = (settings_dir.parents[1] / "docs" / "operator.md").read_text()
    assert {"BALIE_S3_ENDPOINT_URL", "BALIE_SIGNING_BACKEND", "BALIE_DEMO_IDP_CLIENT_JWKS"} <= names
    assert sorted(name for name in names if f"`{name}`" not in guide) == []
