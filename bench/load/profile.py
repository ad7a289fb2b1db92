"""The served side of ``bench/load.py``: the production profile of tests/production (its own PostgreSQL cluster,
Redis, an S3-compatible store, a mail sink and a CRM receiver, the example production settings), set up once and
shared by every part of the bench, and app servers started on it with a given worker model.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.production.conftest import profile_environment
from tests.production.services import (
    AppServer,
    Cluster,
    CrmReceiver,
    PostgresServer,
    RedisServer,
    S3Server,
    SmtpSink,
)

ROOT = Path(__file__).resolve().parent.parent.parent
#: PostgreSQL as a city runs it: fsync on (the test profile turns it off to run faster); Redis as the operator
#: docs configure it (``appendfsync everysec``; the fault tests use ``always``).
POSTGRES_OPTIONS = "-c fsync=on -c max_connections=300"


@dataclass(frozen=True)
class Served:
    """How gunicorn serves: worker class, processes and threads per process (``gthread:2x4``)."""

    worker_class: str
    workers: int
    threads: int

    @classmethod
    def parse(cls, text: str) -> Served:
        worker_class, _, shape = text.strip().rpartition(":")
        workers, _, threads = shape.partition("x")
        return cls(worker_class or "gthread", int(workers), int(threads or 1))

    def __str__(self) -> str:
        return f"{self.worker_class} {self.workers} × {self.threads}"

    def environment(self) -> dict[str, str]:
        return {
            "GUNICORN_WORKER_CLASS": self.worker_class,
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_THREADS": str(self.threads),
        }


class LoadProfile:
    """Everything but the app servers and clusters, which each part of the bench starts as it needs them."""

    def __init__(self, **settings: str):
        self.workdir = Path(tempfile.mkdtemp(prefix="balie-load-"))
        self.workdir.chmod(0o755)
        self.postgres = PostgresServer(self.workdir, options=POSTGRES_OPTIONS)
        self.redis = RedisServer(self.workdir, appendfsync="everysec")  # docs/operator.md, "When a service is away"
        self.s3, self.smtp, self.crm = S3Server(), SmtpSink(), CrmReceiver()
        identity = {"issuer": "https://idp.invalid", "client_id": "-", "client_secret": "-"}  # identity is off here
        self.environment = profile_environment(
            self.postgres, self.redis, self.s3, self.smtp, self.crm, identity, self.workdir
        )
        self.environment |= {
            "BALIE_FEATURES": "payments,documents,signing,forms,crm,feedback",
            "BALIE_BENCH_FLOOR": "1",
            "BALIE_LOG_FORMAT": "text",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            **settings,
        }
        self.processes: list = []

    def __enter__(self) -> LoadProfile:
        # Stopped with SIGTERM (timeout, kill): still tear down the services in __exit__, no stray clusters.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
        self.postgres.init()
        self.redis.start()
        self.s3.start()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("load_demo_content")
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.kill()
        self.redis.stop()
        self.postgres.stop()
        self.s3.stop()
        self.smtp.shutdown()
        self.crm.shutdown()

    def manage(self, *arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.environment, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Run ``code`` with the profile's settings; its last printed line."""
        return self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]

    def app_server(self, name: str, served: Served, **settings: str) -> AppServer:
        server = AppServer(name, {**self.environment, **served.environment(), **settings})
        server.start()
        self.processes.append(server)
        return server

    def cluster(self, name: str) -> Cluster:
        cluster = Cluster(name, self.environment)
        cluster.start()
        self.processes.append(cluster)
        return cluster
