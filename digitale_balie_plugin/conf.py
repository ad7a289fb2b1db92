"""Package settings, read lazily from the ``DIGITALE_BALIE`` dict in Django settings.

Every value is looked up at access time (never at import time), so ``override_settings``
works in tests and a site can change a value without reloading the package. Each property
documents its default; operators only set what differs.

Example::

    DIGITALE_BALIE = {
        "FEATURES": ["identity", "payments"],
        "SMS": {"BACKEND": "digitale_balie_plugin.integrations.sms.twilio.TwilioProvider",
                "OPTIONS": {"ACCOUNT_SID": "...", "AUTH_TOKEN": "...", "FROM": "+32..."}},
    }
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings

from digitale_balie_plugin.exceptions import ConfigurationError

SETTING_NAME = "DIGITALE_BALIE"


class Feature(StrEnum):
    """The parts a site may switch off; booking, the video counter and the clerk's console are always on.

    A switched-off feature offers nothing: no blocks, menu items, clerk commands, routes or system checks,
    and its provider (demo or real) is never loaded. Listed in ``DIGITALE_BALIE["FEATURES"]``.
    """

    IDENTITY = "identity"
    PAYMENTS = "payments"
    DOCUMENTS = "documents"
    SIGNING = "signing"
    FORMS = "forms"
    CRM = "crm"
    FEEDBACK = "feedback"


#: What a feature needs besides itself: signing a document is signing one of the conversation's documents.
FEATURE_REQUIRES = {Feature.SIGNING: Feature.DOCUMENTS}


class AppSettings:
    """Typed, documented access to ``settings.DIGITALE_BALIE``."""

    def _raw(self) -> dict[str, Any]:
        value = getattr(django_settings, SETTING_NAME, {}) or {}
        if not isinstance(value, dict):
            raise ConfigurationError(f"settings.{SETTING_NAME} must be a dict.")
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self._raw().get(key, default)

    @property
    def TIME_ZONE(self) -> ZoneInfo:
        """The zone appointments are planned and shown in: Django's own ``TIME_ZONE``, the one source.

        Citizens, clerks, e-mails and the admin must show the same hour for the same appointment, so the
        package has no zone of its own. ``DIGITALE_BALIE["TIME_ZONE"]`` (0.1) is only read by system check
        E011, which fails when it disagrees with ``TIME_ZONE``."""
        return ZoneInfo(django_settings.TIME_ZONE or "UTC")

    @property
    def FEATURES(self) -> frozenset[Feature]:
        """The optional features switched on. Default: all of them (as in 0.1).

        A booking-and-video-only site sets ``"FEATURES": []``; unknown names are a configuration error
        (a typo must not silently switch a feature off). Read on every check (clerk commands, routes,
        blocks), so the parsing is memoised per list."""
        value = self.get("FEATURES")
        if value is None or isinstance(value, (list, tuple, set, frozenset)):
            return _features(None if value is None else tuple(str(name) for name in value))
        raise ConfigurationError(f'settings.{SETTING_NAME}["FEATURES"] must be a list of feature names.')

    def feature_on(self, feature: Feature | None) -> bool:
        """Whether ``feature`` is switched on (``None`` stands for the always-on core)."""
        return feature is None or feature in self.FEATURES

    @property
    def SLOT_QUANTUM_MINUTES(self) -> int:
        """Granularity of seat reservations. Service durations and buffers are multiples
        of it, because one reservation row is written per quantum. Default 5."""
        return int(self.get("SLOT_QUANTUM_MINUTES", 5))

    @property
    def MANAGE_LINK_VALID_AFTER_END(self) -> timedelta:
        """How long a manage link keeps working after the appointment ended. Default 1 day."""
        return timedelta(hours=int(self.get("MANAGE_LINK_HOURS_AFTER_END", 24)))

    @property
    def JOIN_LINK_GRACE(self) -> timedelta:
        """How long a join link keeps working after the appointment's end. Default 30 minutes."""
        return timedelta(minutes=int(self.get("JOIN_LINK_GRACE_MINUTES", 30)))

    @property
    def EMAIL_CONFIRMATION_VALID(self) -> timedelta:
        """Lifetime of a "confirm your e-mail address" link. Default 7 days."""
        return timedelta(days=int(self.get("EMAIL_CONFIRMATION_DAYS", 7)))

    @property
    def REMINDER_BEFORE(self) -> timedelta:
        """How long before the start a reminder is sent. Default 24 hours."""
        return timedelta(hours=int(self.get("REMINDER_HOURS_BEFORE", 24)))

    @property
    def BOOKING_RATE_LIMIT(self) -> tuple[int, int]:
        """(attempts, seconds) allowed per client for booking submissions. Default 10 per 10 minutes."""
        attempts, seconds = self.get("BOOKING_RATE_LIMIT", (10, 600))
        return int(attempts), int(seconds)

    @property
    def BOOKING_OPEN_PER_CONTACT(self) -> int:
        """Future appointments one e-mail address or phone number may hold for one service, booked on the web.
        Default 2 (a parent booking for a child too); the next one gets a field error pointing to the manage link.
        Clerks booking on behalf are not limited."""
        return int(self.get("BOOKING_OPEN_PER_CONTACT", 2))

    @property
    def BOOKING_PER_CONTACT_PER_DAY(self) -> int:
        """Web bookings one e-mail address or phone number may make in 24 hours, all services of the site and
        cancelled ones included (so booking and cancelling in a loop stops too). Default 4."""
        return int(self.get("BOOKING_PER_CONTACT_PER_DAY", 4))

    @property
    def ANONYMOUS_BOOKING_CEILING(self) -> int | float:
        """Most web bookings (not a clerk's) of one service on one day: a whole number is a count, a number
        between 0 and 1 a share of that day's capacity (``0.8``: a fifth stays for people who phone).
        Default 100, which a normal day of a municipal counter never reaches; a flood stops there."""
        value = self.get("ANONYMOUS_BOOKING_CEILING", 100)
        if isinstance(value, float) and 0 < value <= 1:
            return value
        if isinstance(value, int) and value >= 1:
            return value
        raise ConfigurationError(
            f'settings.{SETTING_NAME}["ANONYMOUS_BOOKING_CEILING"] must be a count (1 or more) '
            "or a share of the day's capacity (more than 0.0, at most 1.0)."
        )

    @property
    def BOOKING_MIN_FILL_SECONDS(self) -> int:
        """Seconds between showing the details form and its submission below which it is shown again (people
        take longer; scripts do not). Default 3; 0 switches the check off (the test settings do)."""
        return int(self.get("BOOKING_MIN_FILL_SECONDS", 3))

    @property
    def NOTIFICATIONS_PER_RECIPIENT_PER_DAY(self) -> int:
        """E-mails plus SMS sent to one address or number in 24 hours; more are not sent but kept with the
        status "not sent: limit". Summaries of a conversation and cancellations of an appointment the citizen
        was told about are always sent and not counted. Default 10."""
        return int(self.get("NOTIFICATIONS_PER_RECIPIENT_PER_DAY", 10))

    @property
    def SLOT_DAYS_PER_PAGE(self) -> int:
        """How many days with free times the booking page shows at once (the citizen can open more). Default 3:
        on a 390 px phone three days of a seat open all day fit in a few screens."""
        return int(self.get("SLOT_DAYS_PER_PAGE", 3))

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        """How many reverse proxies of the operator's own (nginx, a load balancer) stand between the internet
        and Django, each adding the address it got the request from to ``TRUSTED_PROXY_HEADER``. Rate limits
        key on the client address these proxies saw. Default 0: ``REMOTE_ADDR``, and forwarded headers are
        ignored (anyone can send them). With 1 the client is the header's last entry: whatever stands to the
        left of what the proxies wrote came from the client and is never used. A digit string is accepted
        (an environment variable); anything else but a whole number ≥ 0 is a configuration error (E014)."""
        value = self.get("TRUSTED_PROXY_COUNT", 0)
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise ConfigurationError(
                f'settings.{SETTING_NAME}["TRUSTED_PROXY_COUNT"] must be a whole number of proxies (0 or more).'
            )
        return int(value)

    @property
    def TRUSTED_PROXY_HEADER(self) -> str:
        """The ``request.META`` key the trusted proxies write the client address to, read only when
        ``TRUSTED_PROXY_COUNT`` is 1 or more. Default ``HTTP_X_FORWARDED_FOR``; ``HTTP_FORWARDED`` (RFC 7239) and
        ``HTTP_X_REAL_IP`` work too. A header name as sent (``X-Forwarded-For``) is a configuration error (E014)."""
        value = self.get("TRUSTED_PROXY_HEADER") or "HTTP_X_FORWARDED_FOR"
        if not isinstance(value, str) or not re.fullmatch(r"HTTP_[A-Z0-9_]+", value):
            raise ConfigurationError(
                f'settings.{SETTING_NAME}["TRUSTED_PROXY_HEADER"] must be a request.META key such as '
                '"HTTP_X_FORWARDED_FOR".'
            )
        return value

    @property
    def WALK_IN_RATE_LIMIT(self) -> tuple[int, int]:
        """(attempts, seconds) one client address may try to take a walk-in ticket. Default 5 per hour: a citizen
        takes one, perhaps a second after closing the page; a script taking dozens is stopped."""
        return self._limit("WALK_IN_RATE_LIMIT", (5, 3600))

    @property
    def JOIN_RATE_LIMIT(self) -> tuple[int, int]:
        """(attempts, seconds) one client address may press "Go to the waiting room" on join and guest links.
        Default 30 per hour: each press makes a room cookie (a second device waits for the clerk), and a family
        or a library behind one address still gets in; a script pressing hundreds is stopped."""
        return self._limit("JOIN_RATE_LIMIT", (30, 3600))

    @property
    def WALK_IN_QUEUE_LIMIT(self) -> int:
        """Walk-in tickets that may wait at one seat at once; past it the citizen reads "the queue is full, try
        later" (409) and no ticket is made. Default 30 (a morning's work for one clerk); at least 1."""
        value = self.get("WALK_IN_QUEUE_LIMIT", 30)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f'settings.{SETTING_NAME}["WALK_IN_QUEUE_LIMIT"] must be a whole number ≥ 1.')
        return value

    def _limit(self, key: str, default: tuple[int, int]) -> tuple[int, int]:
        """An ``(attempts, seconds)`` pair, both whole numbers ≥ 1."""
        value = self.get(key, default)
        try:
            attempts, seconds = value
            valid = all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in (attempts, seconds))
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ConfigurationError(f'settings.{SETTING_NAME}["{key}"] must be (attempts, seconds), both ≥ 1.')
        return attempts, seconds

    @property
    def BASE_TEMPLATE(self) -> str:
        """The site's own base template that citizen pages extend (blocks ``content``,
        ``extra_css``, ``extra_js``). Default ``base.html``, as made by ``wagtail start``."""
        return self.get("BASE_TEMPLATE", "base.html")

    @property
    def ADMIN_PATH_PREFIXES(self) -> tuple[str, ...]:
        """Paths that get the admin CSP instead of the strict citizen one. Default ``("/admin/",)``."""
        return tuple(self.get("ADMIN_PATH_PREFIXES", ("/admin/",)))

    @property
    def IDENTITY_HASH_KEY(self) -> str:
        """Secret key of the keyed hash (HMAC-SHA256) that stands in for national register numbers.

        Keep it apart from ``SECRET_KEY`` (rotating that must not break matching) and never change
        it while hashes are kept. Required in production (system check E006); under ``DEBUG`` a key
        derived from ``SECRET_KEY`` is used."""
        return self.get("IDENTITY_HASH_KEY", "")

    @property
    def AUDIT_RETENTION_DAYS(self) -> int:
        """Days audit events are kept before the daily retention job deletes them (the one path that may).
        Default 1825 (five years). How long personal data itself is kept is set per site
        (*Settings → Digital counter settings*), not here."""
        days = int(self.get("AUDIT_RETENTION_DAYS", 1825))
        if days < 1:
            raise ConfigurationError(f'settings.{SETTING_NAME}["AUDIT_RETENTION_DAYS"] must be at least 1.')
        return days

    @property
    def CODE_RATE_LIMIT(self) -> tuple[int, int]:
        """(attempts, seconds) a client may try short codes. Default 10 per 10 minutes."""
        attempts, seconds = self.get("CODE_RATE_LIMIT", (10, 600))
        return int(attempts), int(seconds)

    @property
    def PAYMENT_MAX_AMOUNT(self):
        """The largest amount (EUR) a clerk may request in one payment. Default 1000.00: a counter
        collects fees, not large sums, and a typo (125000 for 12.50) must not reach the citizen."""
        from decimal import Decimal

        return Decimal(str(self.get("PAYMENT_MAX_AMOUNT", "1000.00")))

    @property
    def PAYMENT_REQUEST_HOURS(self) -> int:
        """Hours a payment request stays payable (a phone caller may pay later that day). Default 24."""
        return int(self.get("PAYMENT_REQUEST_HOURS", 24))

    @property
    def PAYMENT_MAX_ATTEMPTS(self) -> int:
        """Checkouts a citizen may start for one request (after failed or cancelled ones). Default 5."""
        return int(self.get("PAYMENT_MAX_ATTEMPTS", 5))

    @property
    def PAYMENT_WEBHOOK_BASE_URL(self) -> str:
        """Public base URL the provider calls back on (``https://stad.be``), when the site's own root URL
        is not reachable from the internet (a development machine behind a tunnel). Default: the site's
        root URL; on ``localhost`` no webhook is sent and the return page asks the provider instead."""
        return self.get("PAYMENT_WEBHOOK_BASE_URL", "")

    @property
    def CASE_STALE_SENDING(self):
        """How long a case record may stay "being sent" before the sweep assumes its worker died and sends it
        again (with the same idempotency key). Default 600 seconds."""
        from datetime import timedelta

        return timedelta(seconds=int(self.get("CASE_STALE_SENDING_SECONDS", 600)))

    @property
    def NOTIFICATION_STALE_SENDING(self) -> timedelta:
        """How long a message may stay "being sent" before the reminder sweep assumes its worker was killed
        and sends it again (with the same Message-ID, so a mail client shows it once). Default 600 seconds:
        far longer than any send, so a slow gateway is never mistaken for a dead worker."""
        return timedelta(seconds=int(self.get("NOTIFICATION_STALE_SENDING_SECONDS", 600)))

    @property
    def DOCUMENTS_ROOT(self) -> str:
        """Directory of exchanged documents when ``STORAGES["digitale_balie_documents"]`` is not set. Must be
        private: outside ``MEDIA_ROOT`` and ``STATIC_ROOT``, not served by the web server (check E010)."""
        return str(self.get("DOCUMENTS_ROOT", "") or "")

    @property
    def FEEDBACK_INVITATIONS(self) -> bool:
        """Send one e-mail inviting to the survey when the citizen left without answering. Default ``True``."""
        return bool(self.get("FEEDBACK_INVITATIONS", True))

    @property
    def FEEDBACK_INVITATION_DELAY(self) -> timedelta:
        """How long after the end of a conversation the invitation goes out. It must be longer than
        ``JOIN_LINK_GRACE`` (while the citizen's page still offers the survey). Default 120 minutes."""
        return timedelta(minutes=int(self.get("FEEDBACK_INVITATION_DELAY_MINUTES", 120)))

    @property
    def FEEDBACK_LINK_VALID(self) -> timedelta:
        """How long the survey link in the invitation works. Default 14 days."""
        return timedelta(days=int(self.get("FEEDBACK_LINK_DAYS", 14)))

    @property
    def HEALTH_CHECK_TIMEOUT(self) -> float:
        """Seconds the readiness probe waits for each service (database, cache, broker, worker heartbeats) before
        it reports that one as ``timeout``; the checks run side by side. Default 2."""
        return self._seconds("HEALTH_CHECK_TIMEOUT", 2)

    @property
    def WORKER_HEARTBEAT_MAX_AGE(self) -> float:
        """Seconds after which the newest django-q2 cluster heartbeat counts as stale on the readiness probe, the
        status page and in the metrics. Default 60. Stale workers never make the probe answer 503."""
        return self._seconds("WORKER_HEARTBEAT_MAX_AGE", 60)

    def _seconds(self, key: str, default: float) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigurationError(f'settings.{SETTING_NAME}["{key}"] must be a number of seconds above 0.')
        return float(value)

    @property
    def METRICS_TOKEN(self) -> str:
        """The bearer token Prometheus sends to read ``/metrics`` (at least 32 characters, check E031). Default
        empty: the metrics endpoint answers 404."""
        return str(self.get("METRICS_TOKEN", "") or "")

    @property
    def REQUEST_ID_HEADER(self) -> str:
        """The ``request.META`` key of the request id the reverse proxy sends (nginx: ``proxy_set_header
        X-Request-ID $request_id;``). Default ``"HTTP_X_REQUEST_ID"``; empty: always make a new id. A value that
        does not look like an id is ignored either way."""
        return str(self.get("REQUEST_ID_HEADER", "HTTP_X_REQUEST_ID") or "")

    def integration(self, kind: str) -> dict[str, Any]:
        """The ``{"BACKEND": ..., "OPTIONS": {...}}`` dict for an integration kind, e.g. ``"SMS"``."""
        value = self.get(kind.upper(), {}) or {}
        if not isinstance(value, dict):
            raise ConfigurationError(f'settings.{SETTING_NAME}["{kind.upper()}"] must be a dict.')
        return value


@lru_cache(maxsize=16)
def _features(names: tuple | None) -> frozenset[Feature]:
    if names is None:
        return frozenset(Feature)
    try:
        return frozenset(Feature(name) for name in names)
    except ValueError as exc:
        known = ", ".join(f'"{feature}"' for feature in Feature)
        raise ConfigurationError(f'settings.{SETTING_NAME}["FEATURES"] lists only {known}.') from exc


app_settings = AppSettings()
