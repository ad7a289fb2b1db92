"""Run a real OpenID Connect provider (panva's ``oidc-provider`` on Node.js) for the identity tests.

Why a real provider: the relying-party backends (itsme, FAS, generic OIDC) must be proven against a
standards-compliant implementation, not against our own idea of the protocol. ``provider.mjs`` next to
this file configures ``oidc-provider`` like both Belgian providers at once (the client's registered
metadata decides whether it behaves itsme-like or FAS-like) and adds what only a test needs: a one-click
login form and ``/__test__/`` endpoints that forge the next ID token so that every validation the relying
party must do can be exercised.

Typical use (the ``oidc_provider`` fixture in ``tests/integrations/identity/conftest.py`` does this once per
session)::

    harness = start_provider(tmp_dir, accounts=..., scopes=..., claims=..., acr_values=...)
    client = harness.register_client(
        redirect_uris=["http://testserver/cb"], token_endpoint_auth_method="client_secret_basic"
    )
    location = harness.authorize(authorization_url, account="jan")  # "http://testserver/cb?code=...&state=..."
    harness.stop()

Nothing here imports project code: the harness must stay an independent witness.
"""

from __future__ import annotations

import atexit
import json
import pathlib
import re
import shutil
import socket
import subprocess
import time
import uuid
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from joserfc.jwk import RSAKey

OIDC_DIR = pathlib.Path(__file__).resolve().parent
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
NODE_MODULES = OIDC_DIR / "node_modules"
#: The Node packages provider.mjs imports; all three come from tests/oidc/package-lock.json.
REQUIRED_PACKAGES = ("oidc-provider", "jose", "koa")
MIN_NODE_MAJOR = 20
READY_TIMEOUT = 20.0
HTTP_TIMEOUT = 10.0
#: Redirects plus form posts one authorization may take before we call it a loop.
MAX_HOPS = 12
TAMPER_MODES = frozenset(
    {"wrong_nonce", "wrong_issuer", "wrong_audience", "expired", "unsigned", "foreign_key", "hs256", "acr_low"}
)


class HarnessError(RuntimeError):
    """The provider could not be started, or answered something a test did not ask for."""


def node_available() -> bool:
    """True when a ``node`` binary of at least version 20 is on PATH (oidc-provider 9 needs it)."""
    node = shutil.which("node")
    if not node:
        return False
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    match = re.match(r"v(\d+)\.", out.strip())
    return bool(match) and int(match.group(1)) >= MIN_NODE_MAJOR


def node_modules_installed() -> bool:
    """True when ``npm ci`` has been run in tests/oidc (the packages are not committed)."""
    return all((NODE_MODULES / name / "package.json").is_file() for name in REQUIRED_PACKAGES)


def install_node_modules(timeout: float = 300.0) -> tuple[bool, str]:
    """Run ``npm ci`` in tests/oidc; returns (success, output) so callers can skip or fail with the reason."""
    npm = shutil.which("npm")
    if not npm:
        return False, "npm is not on PATH"
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=OIDC_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"npm ci failed: {exc}"
    output = (done.stdout + done.stderr).strip()
    return done.returncode == 0 and node_modules_installed(), output


def _rsa_jwk(use: str, alg: str) -> RSAKey:
    kid = f"{use}-{uuid.uuid4().hex[:12]}"
    return RSAKey.generate_key(2048, parameters={"use": use, "alg": alg, "kid": kid}, private=True)


def generate_client_keys() -> tuple[dict, dict]:
    """A relying party's key pair set: one RSA signing key (private_key_jwt) and one RSA encryption key (JWE).

    Returns (private JWKS, public JWKS). Register the public one as the client's ``jwks``; keep the private one
    to sign client assertions and to decrypt ID tokens and UserInfo responses.
    """
    keys = [_rsa_jwk("sig", "RS256"), _rsa_jwk("enc", "RSA-OAEP")]
    return (
        {"keys": [key.as_dict(private=True) for key in keys]},
        {"keys": [key.as_dict(private=False) for key in keys]},
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _InteractionPage(HTMLParser):
    """Reads the provider's login form: its action and the options of each <select>."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.selects: dict[str, list[tuple[str, bool]]] = {}
        self.buttons: set[str] = set()
        self.texts: dict[str, str] = {}
        self._select: str | None = None
        self._text_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attr.get("action") or ""
        elif tag == "select":
            self._select = attr.get("name") or ""
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append((attr.get("value") or "", "selected" in attr))
        elif tag == "button" and attr.get("name") == "action":
            self.buttons.add(attr.get("value") or "")
        elif attr.get("id") in {"error", "error_description"}:
            self._text_id = attr["id"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        self._text_id = None

    def handle_data(self, data: str) -> None:
        if self._text_id:
            self.texts[self._text_id] = self.texts.get(self._text_id, "") + data

    @property
    def is_login_form(self) -> bool:
        return self.action is not None and "account" in self.selects and {"login", "cancel"} <= self.buttons

    def default(self, name: str) -> str | None:
        options = self.selects.get(name) or []
        chosen = [value for value, selected in options if selected]
        return chosen[0] if chosen else (options[0][0] if options else None)


class Harness:
    """A running provider.mjs process and the calls a test makes on it.

    Attributes:
        issuer: the provider's issuer URL (``http://127.0.0.1:<port>``), also its base URL.
        signing_jwks: the provider's PRIVATE signing JWKS; tests may forge ID tokens with it.
        accounts: the configured accounts (key -> claims), so tests can compare what they receive.
        scopes, claims: the configured scopes and the scope -> claim names mapping.
        acr_values: the configured acr values, in order (``acr_low`` tampering uses the first).
        workdir: where config.json and the provider's stdout/stderr logs live.
    """

    def __init__(
        self,
        *,
        process: subprocess.Popen,
        issuer: str,
        signing_jwks: dict,
        accounts: dict[str, dict],
        scopes: list[str],
        claims: dict[str, list[str]],
        acr_values: list[str],
        workdir: pathlib.Path,
    ) -> None:
        self.process = process
        self.issuer = issuer
        self.signing_jwks = signing_jwks
        self.accounts = accounts
        self.scopes = scopes
        self.claims = claims
        self.acr_values = acr_values
        self.workdir = workdir
        self._metadata: dict | None = None
        self._http = requests.Session()
        atexit.register(self.stop)

    # -- what tests read -----------------------------------------------------------------------------

    @property
    def metadata(self) -> dict:
        """The discovery document (``/.well-known/openid-configuration``), fetched once."""
        if self._metadata is None:
            response = self._http.get(f"{self.issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
            self._check(response, "discovery")
            self._metadata = response.json()
        return self._metadata

    @property
    def signing_public_jwks(self) -> dict:
        """The public half of :attr:`signing_jwks`, as the provider's ``jwks_uri`` serves it."""
        return {"keys": [RSAKey.import_key(key).as_dict(private=False) for key in self.signing_jwks["keys"]]}

    @property
    def stderr_path(self) -> pathlib.Path:
        return self.workdir / "provider.stderr.log"

    def logs(self) -> str:
        """The provider's stderr so far (its error log), for assertion messages."""
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # -- clients ------------------------------------------------------------------------------------

    def register_client(
        self,
        *,
        redirect_uris: list[str],
        token_endpoint_auth_method: str,
        jwks: dict | None = None,
        id_token_encrypted_response_alg: str | None = None,
        id_token_encrypted_response_enc: str | None = None,
        userinfo_signed_response_alg: str | None = None,
        userinfo_encrypted_response_alg: str | None = None,
        userinfo_encrypted_response_enc: str | None = None,
        scope: str = "openid profile",
    ) -> dict:
        """Register a new client through Dynamic Client Registration and return the registration response.

        Each test registers its own client so its redirect URIs, keys and algorithms are its own and
        tampering aimed at one client never leaks into another test. ``jwks`` is the client's PUBLIC JWKS
        (its sig key for private_key_jwt, its enc key for encrypted ID tokens and UserInfo).
        """
        body: dict[str, Any] = {
            "redirect_uris": redirect_uris,
            "token_endpoint_auth_method": token_endpoint_auth_method,
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
            "application_type": "web",
            "scope": scope,
        }
        optional = {
            "jwks": jwks,
            "id_token_encrypted_response_alg": id_token_encrypted_response_alg,
            "id_token_encrypted_response_enc": id_token_encrypted_response_enc,
            "userinfo_signed_response_alg": userinfo_signed_response_alg,
            "userinfo_encrypted_response_alg": userinfo_encrypted_response_alg,
            "userinfo_encrypted_response_enc": userinfo_encrypted_response_enc,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        response = self._http.post(self.metadata["registration_endpoint"], json=body, timeout=HTTP_TIMEOUT)
        self._check(response, "client registration", expected=201)
        return response.json()

    # -- the browser ---------------------------------------------------------------------------------

    def authorize(self, authorization_url: str, *, account: str, acr: str | None = None, cancel: bool = False) -> str:
        """Play the browser for one authorization request and return the redirect to the client.

        Follows the authorization URL to the login form, picks ``account`` and ``acr`` (default: what the form
        preselects, i.e. the request's first acr_values entry or else the first configured value), presses
        "login" (or "cancel"), follows the provider's own redirects and returns the first ``Location`` that
        leaves the provider: the client's redirect_uri with ``code`` or ``error``. That URL is not fetched,
        since in tests its host is Django's test client (``http://testserver``). A fresh cookie jar per call
        means every authorization starts without a provider session, so the form always appears.
        """
        if not self._is_provider_url(authorization_url):
            raise ValueError(f"{authorization_url} is not on the provider {self.issuer}")
        browser = requests.Session()
        response = browser.get(authorization_url, allow_redirects=False, timeout=HTTP_TIMEOUT)
        submitted = False
        for _hop in range(MAX_HOPS):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not self._is_provider_url(location):
                    return location
                response = browser.get(location, allow_redirects=False, timeout=HTTP_TIMEOUT)
                continue
            page = _InteractionPage()
            page.feed(response.text)
            if response.status_code != 200 or not page.is_login_form:
                detail = " ".join(filter(None, (page.texts.get("error"), page.texts.get("error_description"))))
                raise HarnessError(
                    f"provider answered {response.status_code} at {response.url}: {detail or response.text[:500]}"
                )
            if submitted:
                raise HarnessError(
                    "the provider asked for a login again after the form was submitted "
                    "(an essential acr in the claims parameter that the chosen acr does not satisfy?)"
                )
            form = self._fill_login_form(page, account=account, acr=acr, cancel=cancel)
            response = browser.post(
                urljoin(response.url, page.action or ""), data=form, allow_redirects=False, timeout=HTTP_TIMEOUT
            )
            submitted = True
        raise HarnessError(f"more than {MAX_HOPS} hops without reaching the client's redirect_uri")

    def _fill_login_form(self, page: _InteractionPage, *, account: str, acr: str | None, cancel: bool) -> dict:
        accounts = [value for value, _selected in page.selects.get("account", [])]
        if account not in accounts:
            raise ValueError(f"unknown account {account!r}; the provider offers {accounts}")
        acrs = [value for value, _selected in page.selects.get("acr", [])]
        chosen_acr = acr if acr is not None else page.default("acr")
        if acr is not None and acr not in acrs:
            raise ValueError(f"unknown acr {acr!r}; the provider offers {acrs}")
        form = {"account": account, "action": "cancel" if cancel else "login"}
        if chosen_acr is not None:
            form["acr"] = chosen_acr
        return form

    # -- test control --------------------------------------------------------------------------------

    def tamper(self, client_id: str, mode: str) -> None:
        """Make the NEXT token response for ``client_id`` carry a forged ID token (see provider.mjs).

        Modes: wrong_nonce, wrong_issuer, wrong_audience, expired, unsigned (alg none), foreign_key (RS256 by
        another key under the provider's kid), hs256 (HMAC keyed with the provider's public key PEM), acr_low.
        The forged token is re-encrypted to the client when it registered for encrypted ID tokens. One shot.
        """
        if mode not in TAMPER_MODES:
            raise ValueError(f"unknown tamper mode {mode!r}; one of {sorted(TAMPER_MODES)}")
        response = self._http.post(
            f"{self.issuer}/__test__/tamper", json={"client_id": client_id, "mode": mode}, timeout=HTTP_TIMEOUT
        )
        self._check(response, "tamper")

    def reset(self) -> None:
        """Forget all pending tampering (tests call it in teardown so nothing leaks into the next test)."""
        response = self._http.post(f"{self.issuer}/__test__/reset", timeout=HTTP_TIMEOUT)
        self._check(response, "reset")

    def stop(self) -> None:
        """Stop the node process (SIGTERM, then SIGKILL after 5 s). Safe to call more than once."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._http.close()
        atexit.unregister(self.stop)

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------------------------------

    def _is_provider_url(self, url: str) -> bool:
        target, own = urlsplit(url), urlsplit(self.issuer)
        return (target.scheme, target.netloc) == (own.scheme, own.netloc)

    def _check(self, response: requests.Response, what: str, expected: int = 200) -> None:
        if response.status_code != expected:
            raise HarnessError(f"{what} failed: HTTP {response.status_code}: {response.text[:1000]}")


def _wait_ready(process: subprocess.Popen, stdout_path: pathlib.Path, stderr_path: pathlib.Path) -> str:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        for line in stdout_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    else:
        process.kill()
        process.wait(timeout=5)
        raise HarnessError(
            f"provider.mjs not READY within {READY_TIMEOUT:.0f} s; stderr:\n"
            + stderr_path.read_text(encoding="utf-8", errors="replace")
        )
    raise HarnessError(
        f"provider.mjs exited with status {process.returncode}; stderr:\n"
        + stderr_path.read_text(encoding="utf-8", errors="replace")
    )


def start_provider(
    workdir: pathlib.Path,
    *,
    accounts: dict[str, dict],
    scopes: list[str],
    claims: dict[str, list[str]],
    acr_values: list[str],
) -> Harness:
    """Start provider.mjs with a fresh signing key and wait until it listens (at most 20 s).

    A new RSA key per run means no key material lives in the repository and a test can never pass because
    of a stale key. The port is picked free first and passed in (the issuer must be known before the
    provider starts); should another process grab it in between, we try again with another port.
    Raises :class:`HarnessError` with the provider's stderr when it does not come up.
    """
    if not node_available():
        raise HarnessError(f"node >= {MIN_NODE_MAJOR} is not on PATH")
    if not node_modules_installed():
        raise HarnessError(f"{NODE_MODULES} is missing: run `npm ci` in {OIDC_DIR}")
    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    signing_key = RSAKey.generate_key(
        2048, parameters={"use": "sig", "alg": "RS256", "kid": f"op-{uuid.uuid4().hex[:12]}"}, private=True
    )
    signing_jwks = {"keys": [signing_key.as_dict(private=True)]}
    node = shutil.which("node")
    assert node is not None  # checked by node_available()
    last_error: HarnessError | None = None
    for _attempt in range(3):
        port = _free_port()
        issuer = f"http://127.0.0.1:{port}"
        config = {
            "port": port,
            "issuer": issuer,
            "signing_jwks": signing_jwks,
            "accounts": accounts,
            "scopes": scopes,
            "claims": claims,
            "acr_values": acr_values,
        }
        config_path = workdir / "config.json"
        config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        stdout_path, stderr_path = workdir / "provider.stdout.log", workdir / "provider.stderr.log"
        # Files, not pipes: nobody reads the pipes after READY and a full pipe would block the provider.
        with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT), str(config_path)],
                cwd=OIDC_DIR,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        try:
            ready_issuer = _wait_ready(process, stdout_path, stderr_path)
        except HarnessError as exc:
            last_error = exc
            if "EADDRINUSE" in str(exc):
                continue
            raise
        return Harness(
            process=process,
            issuer=ready_issuer,
            signing_jwks=signing_jwks,
            accounts=accounts,
            scopes=scopes,
            claims=claims,
            acr_values=acr_values,
            workdir=workdir,
        )
    assert last_error is not None
    raise last_error
