"""Getting an in-call action to the citizen outside the call page: a link, a QR code or a short code.

The same action reaches the citizen by the channel at hand: a button in the video room, a link pasted
in a chat or sent by SMS/e-mail, a QR code scanned at a desk, or a code read out on the phone.

Why the raw link and code are *derived* instead of stored: the clerk must be able to show them again
(after a reload, to a second device) while the database holds nothing that works on its own. Each
action keeps random salts (from ``secrets``, 256 bits); the link token and the code are an HMAC of the
salt under the site's ``SECRET_KEY``, and only their SHA-256 hashes are stored for lookup. A database
leak alone opens nothing, and a new salt kills the old link or code at once.

Codes (DESIGN contract: ≥6 characters from a 31-symbol alphabet, 10 minutes, 5 attempts,
rate-limited): 8 characters, of which the first two are a *locator* that names the request and the
other six (31⁶ ≈ 8.9 × 10⁸) are the secret. The locator is what lets us count wrong attempts per
request: five wrong codes for a request lock its code (the clerk issues a new one with one click),
whatever the number of addresses the guesses come from. A per-client rate limit slows sweeps.

A link or code is single-use in the sense that matters: the first browser that uses it *claims* the
action (a random claim secret in that browser's session, its hash on the action); any other browser
is refused from then on.
"""

from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from digitale_balie_plugin import live
from digitale_balie_plugin.actions.registry import action_type
from digitale_balie_plugin.actions.service import transition
from digitale_balie_plugin.exceptions import CounterError, IntegrationError
from digitale_balie_plugin.integrations.sms.base import SmsMessage, normalize_phone_number
from digitale_balie_plugin.integrations.sms.registry import get_sms_provider
from digitale_balie_plugin.models import ActionStatus, InCallAction
from digitale_balie_plugin.models.actions import FINAL_STATUSES
from digitale_balie_plugin.models.audit import record
from digitale_balie_plugin.models.settings import CounterSettings, clerk_as_seen
from digitale_balie_plugin.tokens import hash_token

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0/O, 1/I/L to mix up on the phone
CODE_LENGTH = 8
LOCATOR_LENGTH = 2
CODE_VALID = timedelta(minutes=10)
CODE_ATTEMPTS = 5
SESSION_KEY = "digitale_balie_claims"

assert len(CODE_ALPHABET) == 31


def _derive(salt: str, purpose: str) -> bytes:
    return salted_hmac(f"digitale_balie.handover.{purpose}", salt, algorithm="sha256").digest()


def _new_salt() -> str:
    return secrets.token_urlsafe(32)


# --- links -----------------------------------------------------------------------------------------


def link_token(action: InCallAction) -> str:
    """The raw link token of ``action`` (256 bits), issuing one the first time."""
    if not action.link_salt:
        action.link_salt = _new_salt()
        action.token_hash = hash_token(_link_from_salt(action.link_salt))
        action.save(update_fields=["link_salt", "token_hash", "updated_at"])
    return _link_from_salt(action.link_salt)


def _link_from_salt(salt: str) -> str:
    return base64.urlsafe_b64encode(_derive(salt, "link")).rstrip(b"=").decode()


def action_for_link(raw: str) -> InCallAction | None:
    if not raw or len(raw) > 100:
        return None
    action = InCallAction.objects.by_link(raw).select_related("session").first()
    return action if action is not None and not action.is_final else None


# --- codes -----------------------------------------------------------------------------------------


def normalise_code(value: str) -> str:
    """What the citizen typed, as we store it: upper case, without spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    """``K7MQ4XZP`` → ``K7MQ 4XZP``: easier to read out and to type."""
    return f"{code[:4]} {code[4:]}"


def _code_from_salt(salt: str) -> str:
    number = int.from_bytes(_derive(salt, "code"), "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def issue_code(action: InCallAction, *, by_user=None) -> str:
    """A fresh code for ``action`` (the previous one stops working); returns it for display."""
    now = timezone.now()
    busy = set(
        InCallAction.objects.filter(code_expires_at__gt=now, code_locked=False)
        .exclude(pk=action.pk)
        .values_list("code_locator", flat=True)
    )
    for _attempt in range(20):
        salt = _new_salt()
        code = _code_from_salt(salt)
        if code[:LOCATOR_LENGTH] not in busy:
            break
    # After 20 tries every locator may be busy (≥ 961 open codes): a shared locator still works,
    # wrong attempts then count against each request that shares it.
    action.code_salt = salt
    action.code_locator = code[:LOCATOR_LENGTH]
    action.code_hash = hash_token(code)
    action.code_expires_at = min(now + CODE_VALID, action.expires_at)
    action.code_attempts = 0
    action.code_locked = False
    action.save(
        update_fields=[
            "code_salt",
            "code_locator",
            "code_hash",
            "code_expires_at",
            "code_attempts",
            "code_locked",
            "updated_at",
        ]
    )
    record("action.code_issued", action, user=by_user, site=action.session.site, kind=action.kind)
    live.bump(action.session)
    return code


def current_code(action: InCallAction) -> str | None:
    """The code the clerk may show again, while it still works."""
    if not action.code_salt or action.code_locked or not action.code_expires_at:
        return None
    if action.code_expires_at <= timezone.now() or action.is_final:
        return None
    return _code_from_salt(action.code_salt)


def code_state(action: InCallAction) -> str:
    """``none``, ``active``, ``expired``, ``locked`` or ``used``: what the clerk's panel says about it."""
    if action.code_locked:
        return "locked"
    if not action.code_salt:
        return "none"
    if not action.code_hash:
        return "used"
    if not action.code_expires_at or action.code_expires_at <= timezone.now():
        return "expired"
    return "active"


def redeem_code(raw: str) -> InCallAction | None:
    """The open action whose code this is, or ``None``; wrong codes count against the request.

    The caller rate-limits per client before calling. A used code is cleared (single use); the fifth
    wrong attempt for a request locks its code.
    """
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    now = timezone.now()
    candidates = list(
        InCallAction.objects.filter(
            code_locator=code[:LOCATOR_LENGTH], code_expires_at__gt=now, code_locked=False
        ).select_related("session", "session__site")
    )
    digest = hash_token(code)
    for action in candidates:
        if action.code_hash and constant_time_compare(action.code_hash, digest) and not action.is_final:
            used = InCallAction.objects.filter(pk=action.pk, code_hash=digest, code_locked=False).update(
                code_hash="", updated_at=now
            )
            return action if used else None
    for action in candidates:
        _count_wrong_attempt(action)
    return None


def _count_wrong_attempt(action: InCallAction) -> None:
    with transaction.atomic():
        InCallAction.objects.filter(pk=action.pk).update(code_attempts=F("code_attempts") + 1)
        attempts = InCallAction.objects.filter(pk=action.pk).values_list("code_attempts", flat=True).first() or 0
        if attempts >= CODE_ATTEMPTS:
            locked = InCallAction.objects.filter(pk=action.pk, code_locked=False).update(code_locked=True, code_hash="")
            if locked:
                record("action.code_locked", action, actor_label="system", site=action.session.site, attempts=attempts)
                session = action.session
                transaction.on_commit(lambda: live.bump(session))


# --- claiming --------------------------------------------------------------------------------------


def claim(action: InCallAction, request) -> bool:
    """Bind ``action`` to this browser (first come); ``False`` when another browser has it."""
    if claimed_here(action, request):
        return True
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    taken = InCallAction.objects.filter(pk=action.pk, claim_hash="").update(
        claim_hash=hash_token(raw), claimed_at=now, updated_at=now
    )
    if not taken:
        return False
    claims = dict(request.session.get(SESSION_KEY, {}))
    claims[str(action.pk)] = raw
    request.session[SESSION_KEY] = claims
    action.refresh_from_db()
    record("action.claimed", action, actor_label="citizen", site=action.session.site, kind=action.kind)

    transition(action, ActionStatus.OPENED, actor_label="citizen")
    return True


def release_claims(session) -> int:
    """The clerk moved the citizen to another device: requests the earlier device had taken but not finished
    can be taken again (by the new device, from the room). One busy at its provider stays where it is."""
    released = 0
    for action in (
        InCallAction.objects.filter(session=session).exclude(claim_hash="").exclude(status__in=FINAL_STATUSES)
    ):
        kind = action_type(action.kind)
        if kind is not None and kind.is_busy(action):
            continue
        if InCallAction.objects.filter(pk=action.pk, claim_hash=action.claim_hash).update(
            claim_hash="", claimed_at=None
        ):
            record("action.released", action, actor_label="system", site=session.site, kind=action.kind)
            released += 1
    return released


def claimed_here(action: InCallAction, request) -> bool:
    raw = request.session.get(SESSION_KEY, {}).get(str(action.pk))
    return bool(raw and action.claim_hash and constant_time_compare(action.claim_hash, hash_token(raw)))


# --- sending the link ------------------------------------------------------------------------------


def send_link(action: InCallAction, to: str, *, by_user, link: str) -> str:
    """Send ``link`` by SMS (a phone number) or e-mail (an address), in the citizen's language.

    Returns ``"sms"`` or ``"email"``. Raises ``CounterError`` with a message for the clerk when the
    address is not usable or the gateway refuses; nothing is recorded as sent then.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext as _

    session = action.session
    site_settings = CounterSettings.for_site(session.site)
    language = session.citizen_language(site_settings.default_language)
    to = (to or "").strip()
    with translation.override(language):
        context = {
            "municipality": site_settings.display_name(session.site),
            "clerk": clerk_as_seen(action.created_by, session.site),
            "link": link,
        }
        body = render_to_string("digitale_balie/email/action_link.txt", context).strip()
        if "@" in to:
            try:
                validate_email(to)
            except ValidationError as exc:
                raise CounterError(_("This e-mail address is not valid.")) from exc
            subject = _("%(municipality)s: your link") % context
            site_settings.email(subject, body, [to]).send()
            channel = "email"
        else:
            try:
                number = normalize_phone_number(to)
                get_sms_provider().send(SmsMessage(to=number, body=body, reference=f"action-{action.pk}"))
            except ValueError as exc:
                raise CounterError(_("This phone number is not valid.")) from exc
            except IntegrationError as exc:
                raise CounterError(_("The SMS could not be sent: %(reason)s") % {"reason": exc}) from exc
            channel = "sms"
    record("action.link_sent", action, user=by_user, site=session.site, channel=channel)
    return channel
