"""One person's browser, as the app servers see it behind the city's TLS-terminating reverse proxy.

Each request goes to the app server the test names, so a journey can alternate between servers: whatever
one server stored in its own memory or disk would be missing on the other. The proxy's part is played by the
headers (``Host``, ``X-Forwarded-Proto: https``, ``X-Forwarded-For``). Cookies are kept here by hand: they are
``Secure`` and ``__Host-`` (only ever sent over HTTPS), which a client library would withhold on plain HTTP.
"""

from __future__ import annotations

import re
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import requests

from tests.production.services import AppServer

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    def __init__(self, servers: list[AppServer], host: str, address: str = "203.0.113.7"):
        self.servers, self.host, self.address = servers, host, address
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.trust_env = False

    def request(self, method: str, path: str, *, server: int, headers=None, **kwargs) -> requests.Response:
        path = self.path_of(path)
        sent = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method not in ("GET", "HEAD"):
            sent["Origin"] = f"https://{self.host}"
            sent["Referer"] = f"https://{self.host}{path}"
            if any(name.endswith("csrftoken") for name in self.cookies):
                sent["X-CSRFToken"] = self.csrf_cookie()
        sent.update(headers or {})
        response = self.http.request(
            method, self.servers[server].url + path, headers=sent, allow_redirects=False, timeout=30, **kwargs
        )
        self._keep_cookies(response)
        return response

    def get(self, path: str, *, server: int, **kwargs) -> requests.Response:
        return self.request("GET", path, server=server, **kwargs)

    def post(self, path: str, data=None, *, server: int, **kwargs) -> requests.Response:
        return self.request("POST", path, data=data, server=server, **kwargs)

    def submit(self, page: requests.Response, path: str | None = None, data=None, *, server: int, **kwargs):
        """POST a form of ``page`` (its CSRF token added) to ``path`` (default: where the page was)."""
        token = CSRF_FIELD.search(page.text)
        fields = {"csrfmiddlewaretoken": unescape(token.group(1))} if token else {}
        fields.update(data or {})
        return self.post(path or urlsplit(page.url).path, fields, server=server, **kwargs)

    def csrf_cookie(self) -> str:
        return next(value for name, value in self.cookies.items() if name.endswith("csrftoken"))

    @staticmethod
    def path_of(url: str) -> str:
        """The path and query of a link from an e-mail or a ``Location`` header (its host is the city's)."""
        parts = urlsplit(unescape(url))
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _keep_cookies(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def location(response: requests.Response) -> str:
    assert response.status_code in (301, 302, 303), (response.status_code, response.text[:500])
    return Visitor.path_of(response.headers["Location"])
