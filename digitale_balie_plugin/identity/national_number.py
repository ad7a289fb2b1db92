"""The Belgian national register number (rijksregisternummer / numéro de registre national).

Why here: the number is the most sensitive identifier we touch. It is checked, normalised and
turned into a keyed hash in one place, and never stored or logged in clear anywhere.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError


def normalise(value: str) -> str:
    """Digits only: ``85.04.12-123.69`` → ``85041212369``."""
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def _module(value: str):
    """The ``stdnum`` module that accepts the number: the national register or, for people not in it, the
    BIS register (month plus 20 or 40); ``None`` when neither does (wrong length, checksum or date)."""
    digits = normalise(value)
    return next((module for module in (nn, bis) if module.is_valid(digits)), None)


def is_valid(value: str) -> bool:
    """A national register or BIS number with a correct checksum and a possible birth date (python-stdnum,
    which also knows the "2" put in front for people born from 2000 on)."""
    return len(normalise(value)) == 11 and _module(value) is not None


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised number under ``IDENTITY_HASH_KEY``.

    A plain hash would not protect anything: there are only about 10¹⁰ numbers, all enumerable in
    minutes. With a secret key, a stolen database alone cannot tell whose hash it is, while the
    counter can still answer "is this the person we expected?".
    """
    digits = normalise(value)
    if not digits:
        return ""
    key = app_settings.IDENTITY_HASH_KEY
    if key:
        return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()
    if not settings.DEBUG:
        raise ConfigurationError('Set DIGITALE_BALIE["IDENTITY_HASH_KEY"] (a long random secret).')
    return salted_hmac("digitale_balie.national_number", digits, algorithm="sha256").hexdigest()


def birth_date(value: str):
    """The birth date the number encodes, or ``None`` (unknown day or month, invalid number)."""
    module = _module(value)
    if module is None:
        return None
    try:
        return module.get_birth_date(normalise(value))
    except ValidationError:  # day or month 00: registered without a known birth date
        return None
