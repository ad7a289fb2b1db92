"""Private storage for documents: never under ``MEDIA_ROOT``, never served by URL, random file names.

A site may define ``STORAGES["digitale_balie_documents"]`` (an S3-compatible bucket without public
access, through django-storages: docs/operator.md, "Object storage"); otherwise files go to
``DIGITALE_BALIE["DOCUMENTS_ROOT"]`` on the local disk (system check E010 says when it is missing or
inside the media or static roots). Several app servers need the bucket: a file written to one server's
disk cannot be downloaded through another.

Every read, write and delete of document bytes goes through :func:`document_storage` by storage name,
never by a local path (``storage.path()`` does not exist for a bucket).
"""

from __future__ import annotations

import secrets

from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError

STORAGE_ALIAS = "digitale_balie_documents"

#: Canned ACLs that let anyone read an object (S3 and the stores that copy its API).
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})


def document_storage():
    try:
        return storages[STORAGE_ALIAS]
    except InvalidStorageError:
        pass
    root = app_settings.DOCUMENTS_ROOT
    if not root:
        raise ConfigurationError(
            'Set DIGITALE_BALIE["DOCUMENTS_ROOT"] (a private directory) or STORAGES["digitale_balie_documents"].'
        )
    return FileSystemStorage(
        location=root, base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def publicly_readable(storage) -> bool:
    """Whether the storage gives every object an ACL anyone may read (django-storages' ``default_acl``).

    The one exposure that can be told from the configuration alone: a bucket policy or a public
    bucket setting lives at the store, and unsigned URLs (``querystring_auth=False``) only work for
    objects that are public already."""
    return str(getattr(storage, "default_acl", "") or "").lower() in PUBLIC_ACLS


def new_storage_name(extension: str) -> str:
    """Random, never derived from the uploader's file name (no path tricks, nothing personal on disk)."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{extension}"
