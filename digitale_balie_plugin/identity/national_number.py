"""The Belgian national register number (rijksregisternummer / numéro de registre national).

Why here: the number is the most sensitive identifier we touch. It is checked, normalised and
turned into a keyed hash in one place, and never stored or logged in clear anywhere.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError


def normalise(value: str) -> str:
    """Digits only: ``85.04.12-123.69`` → ``85041212369``."""
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def is_valid(value: str) -> bool:
    """Eleven digits whose last two are 97 minus the first nine modulo 97 (a "2" is put in front of
    the nine digits for people born from 2000 on)."""
    digits = normalise(value)
    if len(digits) != 11:
        return False
    body, check = digits[:9], int(digits[9:])
    return check in (97 - int(body) % 97, 97 - int("2" + body) % 97)


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
    """The birth date the number encodes, or ``None`` (unknown day or month, invalid number).

    The checksum tells the century (a "2" in front means born from 2000 on); BIS numbers add 20 or
    40 to the month.
    """
    from datetime import date

    digits = normalise(value)
    if not is_valid(digits):
        return None
    body, check = digits[:9], int(digits[9:])
    century = 2000 if check == 97 - int("2" + body) % 97 else 1900
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    month = month - 40 if month > 40 else month - 20 if month > 20 else month
    try:
        return date(century + year, month, day)
    except ValueError:
        return None
