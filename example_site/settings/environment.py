"""Reading production settings from the environment: one helper per kind of value, so ``production.py``
reads as a list of decisions (every variable is listed in docs/operator.md, "Environment variables").

Why a module of its own: the same three things recur for every integration (a variable that may be
missing, a backend chosen by a variable, options read only for the backend that needs them) and for
the object store, and each must fail the same way, with ``ImproperlyConfigured`` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

DEMO = "demo"
S3_BACKEND = "storages.backends.s3.S3Storage"
S3_ADDRESSING_STYLES = ("auto", "path", "virtual")
#: How much of a downloaded document django-storages keeps in memory before spilling to a temporary file.
S3_MAX_MEMORY_SIZE = 2 * 1024 * 1024


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated variable; an empty value is an empty list (not the default)."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def integration(variable: str, real: str, options: Callable[[], dict], demo_options: dict | None = None) -> dict:
    """``{"BACKEND": …, "OPTIONS": …}`` of one integration, the backend chosen by ``variable``: ``real`` (the
    default) or ``demo`` (a staging site or CI profile without the real provider at hand).

    ``options`` is called for the real backend only, so a site that picks ``demo`` need not set the real
    provider's variables. A demo backend still meets the demo warning of ``manage.py check`` (W001)."""
    backend = env(variable, real).strip() or real
    if backend == real:
        return {"BACKEND": real, "OPTIONS": options()}
    if backend == DEMO:
        return {"BACKEND": DEMO, "OPTIONS": {key: value for key, value in (demo_options or {}).items() if value}}
    raise ImproperlyConfigured(f'The environment variable {variable} must be "{real}" or "{DEMO}", not {backend!r}.')


def s3_documents_storage() -> dict | None:
    """``STORAGES["digitale_balie_documents"]`` on an S3-compatible bucket when ``BALIE_S3_BUCKET`` is set.

    Private by construction: every object is written with the ``private`` ACL (``BALIE_S3_ACL=""`` for a
    bucket with ACLs switched off), never overwritten, and only ever read back through the app (nothing
    hands out a URL). Credentials: ``BALIE_S3_ACCESS_KEY_ID``/``BALIE_S3_SECRET_ACCESS_KEY``, or when they
    are unset boto3's own chain (``AWS_ACCESS_KEY_ID``…, a profile, an instance role)."""
    bucket = env("BALIE_S3_BUCKET", "").strip()
    if not bucket:
        return None
    style = env("BALIE_S3_ADDRESSING_STYLE", "").strip()
    if style and style not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"The environment variable BALIE_S3_ADDRESSING_STYLE must be one of {', '.join(S3_ADDRESSING_STYLES)}."
        )
    options = {
        "bucket_name": bucket,
        "default_acl": env("BALIE_S3_ACL", "private").strip() or None,
        "querystring_auth": True,  # should a URL ever be made, it is signed and expires
        "file_overwrite": False,
        "signature_version": "s3v4",
        "max_memory_size": env_int("BALIE_S3_MAX_MEMORY_SIZE", S3_MAX_MEMORY_SIZE),
    }
    optional = {
        "endpoint_url": "BALIE_S3_ENDPOINT_URL",
        "region_name": "BALIE_S3_REGION",
        "access_key": "BALIE_S3_ACCESS_KEY_ID",
        "secret_key": "BALIE_S3_SECRET_ACCESS_KEY",
        "location": "BALIE_S3_PREFIX",
        "addressing_style": "BALIE_S3_ADDRESSING_STYLE",
    }
    options.update({name: env(variable, "").strip() for name, variable in optional.items() if env(variable, "")})
    encryption = env("BALIE_S3_ENCRYPTION", "").strip()  # "AES256" or "aws:kms"; empty: the bucket's default
    if encryption:
        kms_key = env("BALIE_S3_KMS_KEY_ID", "").strip()
        kms = {"SSEKMSKeyId": kms_key} if kms_key else {}
        options["object_parameters"] = {"ServerSideEncryption": encryption, **kms}
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
