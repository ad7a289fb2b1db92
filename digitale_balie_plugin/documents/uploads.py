"""Reading an upload without ever holding more than the limit: Django upload handlers.

``limit_uploads`` refuses a request whose declared length is already too large before a byte is read
(``too_large`` true: answer at once), and otherwise puts ``SizeLimitedUploadHandler`` first in
``request.upload_handlers``: it stops the upload as soon as the received bytes pass the limit; Django
then drains the rest of the body in chunks without keeping it (memory stays flat) and the view sees no
file and ``request.balie_upload_too_large`` set, so it can answer with a clear message.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

#: Room for the multipart envelope and the other form fields.
ENVELOPE = 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.balie_upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, max_bytes: int) -> bool:
    """Call before ``request.POST``/``request.FILES`` are read (views are ``csrf_exempt`` outside,
    ``csrf_protect`` inside, because the CSRF check reads ``request.POST``). Returns ``True`` when the
    declared length alone is too large (nothing has been read then)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    request.balie_upload_too_large = declared > max_bytes + ENVELOPE
    if not request.balie_upload_too_large:
        request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, max_bytes))
    return request.balie_upload_too_large
