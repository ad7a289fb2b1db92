"""Private storage for documents: never under ``MEDIA_ROOT``, never served by URL, random file names.

A site may define ``STORAGES["digitale_balie_documents"]`` (e.g. an S3 bucket without public access);
otherwise files go to ``DIGITALE_BALIE["DOCUMENTS_ROOT"]`` on the local disk (system check E010 says
when it is missing or inside the media or static roots).
"""

from __future__ import annotations

import secrets

from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError

STORAGE_ALIAS = "digitale_balie_documents"


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


def new_storage_name(extension: str) -> str:
    """Random, never derived from the uploader's file name (no path tricks, nothing personal on disk)."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}.{extension}"
