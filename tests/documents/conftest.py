"""The frozen Monday morning and the site, service, seat and clerk these tests build on; a booked video
room; and a real S3-compatible server (moto in server mode) for the documents' object storage."""

import re
import secrets
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from digitale_balie_plugin.models import CallSession
from tests.conftest import require
from tests.fixtures import *  # noqa: F403
from tests.fixtures import at


@pytest.fixture
def room(service, seat, counter_page):
    """(the citizen's browser, the conversation, the room's URL) of an appointment booked by e-mail."""
    from digitale_balie_plugin.booking import service as booking

    booked = booking.book_appointment(service, at(7, 10), booking.CitizenDetails(name="An", email="an@example.be"))
    citizen = Client()
    body = next(m.body for m in mail.outbox if m.to == ["an@example.be"])
    room_url = citizen.post(re.search(r"https?://[^/]+(/digitale-balie/join/[\w-]+/)", body).group(1))["Location"]
    return citizen, CallSession.objects.get(appointment=booked.appointment), room_url


S3_KEYS = {"BALIE_S3_ACCESS_KEY_ID": "balie-test", "BALIE_S3_SECRET_ACCESS_KEY": "balie-test-secret"}  # moto's


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible server over HTTP on a free port, for the session (no mocked boto3 or storage)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] is not installed (pip install -e .[test])")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    client: object  # a boto3 S3 client, the operator's view of the store
    name: str
    endpoint: str

    def keys(self) -> list[str]:
        return [item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_environment(s3_endpoint):
    """The environment variables an operator sets for a MinIO-style store (docs/operator.md), a new bucket each."""
    return {
        "BALIE_S3_BUCKET": "balie-" + secrets.token_hex(6),
        "BALIE_S3_ENDPOINT_URL": s3_endpoint,
        "BALIE_S3_REGION": "eu-west-1",
        "BALIE_S3_ADDRESSING_STYLE": "path",
        "BALIE_S3_PREFIX": "documents",
        "BALIE_S3_ENCRYPTION": "AES256",
        **S3_KEYS,
    }


@pytest.fixture
def s3_bucket(s3_environment, monkeypatch):
    """Documents on the bucket, as ``example_site/settings/production.py`` configures it from the environment;
    no local ``DOCUMENTS_ROOT`` at all, so a file written to disk would fail."""
    import boto3

    from example_site.settings.environment import s3_documents_storage

    for name, value in s3_environment.items():
        monkeypatch.setenv(name, value)
    bucket = Bucket(
        boto3.client(
            "s3",
            endpoint_url=s3_environment["BALIE_S3_ENDPOINT_URL"],
            region_name="eu-west-1",
            aws_access_key_id=S3_KEYS["BALIE_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["BALIE_S3_SECRET_ACCESS_KEY"],
        ),
        s3_environment["BALIE_S3_BUCKET"],
        s3_environment["BALIE_S3_ENDPOINT_URL"],
    )
    bucket.client.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    storages_ = {**settings.STORAGES, "digitale_balie_documents": s3_documents_storage()}
    balie = {key: value for key, value in settings.DIGITALE_BALIE.items() if key != "DOCUMENTS_ROOT"}
    with override_settings(STORAGES=storages_, DIGITALE_BALIE=balie):
        yield bucket
