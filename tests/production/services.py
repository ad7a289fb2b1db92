"""Real services for the production profile, each a process (or a thread) on a free local port.

Nothing here is faked that can run on this machine: a PostgreSQL cluster of the profile's own (the fault
tests stop it), a Redis server of its own with the append-only file an operator should switch on (the fault
tests restart it), an S3-compatible object store (moto in server mode), gunicorn app servers and django-q2
clusters started exactly as ``deploy/`` describes. What cannot run here is met at its network boundary: an
SMTP server that keeps what it is given, and the municipality's CRM as an HTTP receiver that checks the
signature and stores each idempotency key once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=None, key=lambda path: int(path.parent.name))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str, interval: float = 0.2):
    """Poll ``check()`` until it returns something truthy; fail naming ``what`` when time runs out."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception as exc:
            last, result = exc, None
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {seconds} s (last error: {last!r})")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def log_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"balie-profile-{name}.log"


def _log(name: str):
    return open(log_path(name), "ab")


def as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root (CI), run its programs as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresServer:
    """A cluster of the profile's own (``initdb``), so a test may stop it without harming anything else."""

    def __init__(self, workdir: Path, options: str = ""):
        self.data = workdir / "pgdata"
        self.options = options  # more ``-c name=value`` settings (bench/load.py: fsync on, pg_stat_statements)
        self.sockets = workdir / "pgsockets"
        self.port = free_port()
        self.user, self.password, self.database = "balie", "balie-profile", "balie"

    def binary(self, name: str) -> str:
        return str(POSTGRES_BIN / name)

    def init(self) -> None:
        for path in (self.data, self.sockets):
            path.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            as_owner([self.binary("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            stdout=_log("postgres"),
            stderr=subprocess.STDOUT,
        )
        self.start()
        self.psql(f"CREATE ROLE {self.user} LOGIN CREATEDB PASSWORD '{self.password}'")
        self.psql(f"CREATE DATABASE {self.database} OWNER {self.user}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        options += f" {self.options}"  # later settings win
        command = [self.binary("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.data / "log"), "-w"]
        subprocess.run(
            as_owner([*command, "start"]),
            check=True,
            stdout=_log("postgres"),
            stderr=subprocess.STDOUT,
        )

    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        subprocess.run(
            as_owner([self.binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=_log("postgres"),
            stderr=subprocess.STDOUT,
        )

    def client(self, program: str, *arguments: str, user: str = "postgres") -> list[str]:
        """A client program (psql, pg_dump, pg_restore) aimed at this cluster's socket, as ``user``."""
        return as_owner([self.binary(program), "-h", str(self.sockets), "-p", str(self.port), "-U", user, *arguments])

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            self.client("psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def environment(self) -> dict[str, str]:
        return {
            "POSTGRES_DB": self.database,
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(self.port),
        }


class RedisServer:
    """Cache and broker, with the append-only file docs/operator.md asks for: queued tasks survive a restart."""

    def __init__(self, workdir: Path, appendfsync: str = "always"):
        self.dir = workdir / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.appendfsync = appendfsync  # "always" for the fault tests; bench/load.py: the docs' "everysec"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        command += ["--appendonly", "yes", "--appendfsync", self.appendfsync, "--save", ""]
        self.process = subprocess.Popen(command, stdout=_log("redis"), stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port), 20, "Redis starting")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a clean shutdown flushes the append-only file
            self.process.wait(20)

    def restart(self) -> None:
        self.stop()
        self.start()


class S3Server:
    """An S3-compatible object store (moto in server mode) with one private bucket."""

    bucket = "balie-documents"
    access_key, secret_key, region = "profile-access-key", "profile-secret-key", "eu-west-1"

    def __init__(self):
        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def start(self) -> None:
        self.server.start()
        self.client().create_bucket(Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": self.region})

    def stop(self) -> None:
        if self.server._server is not None:  # started
            self.server.stop()

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listing.get("Contents", [])]


class SmtpSink(socketserver.ThreadingTCPServer):
    """The mail server: speaks enough SMTP for Django's backend and keeps every message it accepts."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [message for message in self.messages if address in message.get("To", "")]


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 profile-smtp ready")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 profile-smtp")
            elif verb == "DATA":
                self.reply("354 end with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with self.server.lock:
                    self.server.messages.append(message_from_bytes(b"".join(data)))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class CrmReceiver(ThreadingHTTPServer):
    """The CRM's webhook: checks the signature, stores each idempotency key once, counts every request."""

    daemon_threads = True
    secret = "profile-crm-secret-" + "x" * 32

    def __init__(self):
        self.requests: list[str] = []
        self.stored: dict[str, dict] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _CrmHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/cases"


class _CrmHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(part.split("=", 1) for part in self.headers["X-Balie-Signature"].split(","))
        secret = self.server.secret.encode()
        expected = hmac.new(secret, f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(parts["v1"], expected):
            self.send_response(401)
            self.end_headers()
            return
        key = self.headers["Idempotency-Key"]
        with self.server.lock:
            self.server.requests.append(key)
            self.server.stored.setdefault(key, json.loads(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"reference": "CRM-" + key[:8]}).encode())

    def log_message(self, *args):
        pass


class Process:
    """A long-running child in its own process group (so a SIGKILL reaches every worker it forked)."""

    def __init__(self, name: str, command: list[str], environment: dict[str, str]):
        self.name, self.command, self.environment = name, command, environment
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.environment,
            start_new_session=True,
            stdout=_log(self.name),
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: no clean-up, no goodbye — a lost machine."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(20)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class AppServer(Process):
    """gunicorn with deploy/gunicorn.conf.py, as the systemd unit starts it."""

    def __init__(self, name: str, environment: dict[str, str]):
        self.port = free_port()
        environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        config = str(ROOT / "deploy" / "gunicorn.conf.py")
        command = [str(Path(sys.executable).with_name("gunicorn")), "--config", config, "example_site.wsgi"]
        super().__init__(name, command, environment)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        wait_for(lambda: port_open(self.port) or not self.alive(), 60, f"{self.name} listening")
        assert self.alive(), f"{self.name} did not start: see {log_path(self.name)}"


class Cluster(Process):
    """``manage.py qcluster``, as the worker unit starts it."""

    def __init__(self, name: str, environment: dict[str, str]):
        super().__init__(name, [sys.executable, "manage.py", "qcluster"], environment)

    def start(self) -> None:
        """Started when django-q2 says its cluster runs (after the system checks, which may refuse)."""
        path = log_path(self.name)
        offset = path.stat().st_size if path.exists() else 0
        super().start()

        def running():
            assert self.alive(), f"{self.name} stopped: {path.read_bytes()[offset:].decode(errors='replace')[-3000:]}"
            return b"running" in path.read_bytes()[offset:]

        wait_for(running, 60, f"{self.name} running")
