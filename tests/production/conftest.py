"""The production profile: example_site.settings.production on two gunicorn app servers and two django-q2
clusters, sharing one PostgreSQL, one Redis and one S3-compatible object store — the process model
docs/operator.md describes, started once for the tests of this folder.

Providers that cannot be reached from here are the offline demo ones (video, payments, SMS, signing, the
example site's identity provider); e-mail goes to a real SMTP server and case records to a real HTTP receiver.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.demo import DEMO_PASSPHRASE
from tests.conftest import require
from tests.production.services import (
    POSTGRES_BIN,
    ROOT,
    AppServer,
    Cluster,
    CrmReceiver,
    PostgresServer,
    RedisServer,
    S3Server,
    SmtpSink,
)

HOST = "balie.test"
METRICS_TOKEN = "profile-metrics-token-" + "m" * 32
SEAT = "Loket 9"  # the demo content's seat that is always open: a journey at any hour of CI


@dataclass
class Profile:
    postgres: PostgresServer
    redis: RedisServer
    s3: S3Server
    smtp: SmtpSink
    crm: CrmReceiver
    identity: object  # tests.oidc.harness.Harness: plays the citizen at the identity provider
    environment: dict[str, str]
    workdir: Path
    servers: list[AppServer] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)

    def manage(self, *arguments: str, check: bool = True) -> str:
        """A management command against the profile, as an operator runs one."""
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
        )
        if check and result.returncode:
            raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def script(self, code: str) -> str:
        """Python run with the profile's settings (``manage.py shell -c``): what a test sets up or counts."""
        return self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def profile_environment(postgres, redis, s3, smtp, crm, identity, workdir) -> dict[str, str]:
    clamd_host, _, clamd_port = os.environ.get("BALIE_TEST_CLAMD", "127.0.0.1:3310").partition(":")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BALIE_", "DJANGO_", "POSTGRES_", "REDIS_", "PYTEST", "CI_"))
    }
    environment.update(postgres.environment())
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
            "DJANGO_SECRET_KEY": "profile-secret-key-" + "k" * 40,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "WAGTAILADMIN_BASE_URL": f"https://{HOST}",
            "REDIS_URL": redis.url,
            "Q_WORKERS": "2",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "false",
            "DEFAULT_FROM_EMAIL": "balie@demostad.example",
            "BALIE_IDENTITY_HASH_KEY": "profile-identity-hash-key-" + "h" * 32,
            "BALIE_CRM_URL": crm.url,
            "BALIE_CRM_SECRET": crm.secret,
            "CLAMD_HOST": clamd_host,
            "CLAMD_PORT": clamd_port or "3310",
            # The object store for exchanged documents and signed PDFs (docs/operator.md, "Object storage").
            "BALIE_S3_BUCKET": s3.bucket,
            "BALIE_S3_ENDPOINT_URL": s3.endpoint,
            "BALIE_S3_REGION": s3.region,
            "BALIE_S3_ADDRESSING_STYLE": "path",
            "BALIE_S3_ACCESS_KEY_ID": s3.access_key,
            "BALIE_S3_SECRET_ACCESS_KEY": s3.secret_key,
            # What cannot be reached from CI: the offline demo providers. The demo seal certificate comes from
            # the environment, like a real one from a secret store: no server reads it from its own disk.
            "BALIE_SMS_BACKEND": "demo",
            "BALIE_PAYMENTS_BACKEND": "demo",
            "BALIE_VIDEO_BACKEND": "demo",
            "BALIE_SIGNING_BACKEND": "demo",
            "BALIE_SIGNING_PKCS12_BASE64": demo_seal(workdir),
            # Identity: the FAS backend against a real OpenID Connect provider on this machine (tests/oidc).
            "BALIE_IDENTITY_BACKENDS": "fas",
            "FAS_OIDC_ENDPOINT": identity["issuer"],
            "FAS_CLIENT_ID": identity["client_id"],
            "FAS_CLIENT_SECRET": identity["client_secret"],
            "BALIE_TRUSTED_PROXIES": "1",
            "BALIE_LOG_FORMAT": "json",
            "BALIE_METRICS_TOKEN": METRICS_TOKEN,
        }
    )
    return environment


def demo_seal(workdir: Path) -> str:
    """The demo seal certificate as base64 text (what ``manage.py balie_demo_signing_cert --base64`` prints)."""
    path = workdir / "demo-seal.p12"
    make_demo_chain(path, DEMO_PASSPHRASE)
    return base64.b64encode(path.read_bytes()).decode()


@pytest.fixture(scope="session")
def profile(oidc_provider):
    require(POSTGRES_BIN is not None, "PostgreSQL's programs (initdb, pg_ctl) are not installed")
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="balie-profile-"))  # not under pytest's: its parents are private
    workdir.chmod(0o755)  # PostgreSQL's own user reaches its data directory through it
    postgres, redis, s3 = PostgresServer(workdir), RedisServer(workdir), S3Server()
    smtp, crm = SmtpSink(), CrmReceiver()
    registered = oidc_provider.register_client(
        redirect_uris=[f"https://{HOST}/digitale-balie/identity/complete/balie-fas/"],
        token_endpoint_auth_method="client_secret_basic",
        userinfo_signed_response_alg="RS256",
        scope="openid profile egovnrn",
    )
    identity = {"issuer": oidc_provider.issuer, **registered}
    environment = profile_environment(postgres, redis, s3, smtp, crm, identity, workdir)
    profile = Profile(postgres, redis, s3, smtp, crm, oidc_provider, environment, workdir)
    try:
        postgres.init()
        redis.start()
        s3.start()
        profile.manage("migrate", "--noinput")
        profile.manage("collectstatic", "--noinput", "--verbosity", "0")
        profile.manage("load_demo_content")
        profile.servers = [AppServer(f"web{n}", profile.environment) for n in (1, 2)]
        profile.clusters = [Cluster(f"cluster{n}", profile.environment) for n in (1, 2)]
        for process in profile.servers + profile.clusters:
            process.start()
        yield profile
    finally:
        for process in profile.servers + profile.clusters:
            process.kill()  # the end of the run: no need to wait for anything
        redis.stop()
        postgres.stop()
        s3.stop()
        smtp.shutdown()
        crm.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
