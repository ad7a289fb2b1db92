"""A CRM behind a webhook: the case record is POSTed as JSON, signed with HMAC-SHA256.

Headers (documented for integrators in docs/developer.md):
``X-Balie-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body with the shared secret>``,
``Idempotency-Key: <the conversation's key>`` (also in the body as ``idempotency_key``).
The receiver recomputes the HMAC, compares in constant time, refuses timestamps older than 5 minutes,
and answers 2xx also for a key it has seen (then it must not store the case again).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import time
from urllib.parse import urlsplit

import requests
from django.core.serializers.json import DjangoJSONEncoder

from digitale_balie_plugin.conf import SETTING_NAME
from digitale_balie_plugin.integrations.crm.base import CrmError, CrmProvider, CrmRejected, CrmResult
from digitale_balie_plugin.integrations.crm.registry import registry

logger = logging.getLogger("digitale_balie.crm")

SIGNATURE_HEADER = "X-Balie-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@registry.register("webhook")
class WebhookCrmProvider(CrmProvider):
    """Options: ``SECRET`` (shared HMAC key, at least 32 characters), ``URL`` (default address; a site's own
    address in its settings wins), ``TIMEOUT`` (seconds, default 10)."""

    verbose_name = "Webhook (JSON + HMAC-SHA256)"

    def register(self, record, *, idempotency_key, url=""):
        target = url or str(self.option("URL"))
        body = json.dumps(record, cls=DjangoJSONEncoder, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
            SIGNATURE_HEADER: sign(str(self.option("SECRET")), int(time.time()), body),
        }
        try:
            response = requests.post(target, data=body, headers=headers, timeout=float(self.options.get("TIMEOUT", 10)))
        except requests.RequestException as exc:
            logger.warning("CRM webhook did not answer for %s: %s", idempotency_key, type(exc).__name__)
            raise CrmError() from exc
        if 200 <= response.status_code < 300:
            try:
                reference = str((response.json() or {}).get("reference", ""))
            except ValueError:
                reference = ""
            return CrmResult(reference=reference[:100])
        logger.warning("CRM webhook answered HTTP %s for %s", response.status_code, idempotency_key)
        if response.status_code in (408, 429) or response.status_code >= 500:
            raise CrmError()
        raise CrmRejected()

    def check_config(self):
        problems = []
        if len(str(self.options.get("SECRET") or "")) < 32:
            problems.append(f'CRM webhook: set {SETTING_NAME}["CRM"]["OPTIONS"]["SECRET"] (32+ characters).')
        if not _private_channel(str(self.options.get("URL") or "")):
            problems.append(f'CRM webhook: {SETTING_NAME}["CRM"]["OPTIONS"]["URL"] must start with https://.')
        return problems


def _private_channel(url: str) -> bool:
    """HTTPS, or plain HTTP to this very machine (a connector beside the app server: nothing crosses a network)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False
