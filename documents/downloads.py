"""Serving a stored document file over HTTP: streamed, cacheable, resumable.

- The file is read from the storage in chunks (``storage.open``), never loaded whole: a 200 MB file keeps the
  worker's memory flat (BENCHMARKS.md). A whole-file answer is a FileResponse, which gunicorn hands to the
  kernel (sendfile) when the storage is the local disk; with S3-compatible storage (django-storages) the same
  code streams from the object store.
- ``ETag`` is the content's SHA-256, so conditional requests (If-None-Match, If-Modified-Since) answer 304.
- A single ``Range`` (bytes=a-b, a-, -n) answers 206 with Content-Range, so an interrupted download resumes;
  an unsatisfiable one answers 416; ``If-Range`` is honoured. Several ranges at once are answered with the
  whole file, as HTTP allows.
"""

import logging
import re

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
SINGLE_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    pass


def requested_range(request, size, etag, last_modified):
    """(start, end), inclusive, of a satisfiable single range; None for the whole file.

    Raises Unsatisfiable for a range wholly past the end of the file."""
    header = request.META.get("HTTP_RANGE", "")
    match = SINGLE_RANGE.match(header)
    if not match or not range_still_valid(request, etag, last_modified):
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last n bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # not a valid range: ignored, as HTTP says
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def range_still_valid(request, etag, last_modified):
    """If-Range: resume only if the file is still the one the client started to download."""
    condition = request.META.get("HTTP_IF_RANGE", "").strip()
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        return condition == etag  # strong comparison: a weak validator never matches
    return parse_http_date_safe(condition) == last_modified


def file_response(request, document_file, cache_control):
    """The response for a GET or HEAD of ``document_file``; ``.counted`` says whether it is a new download."""
    size = document_file.size
    last_modified = int(document_file.updated_at.timestamp())
    headers = {
        "ETag": document_file.etag,
        "Last-Modified": http_date(last_modified),
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "Content-Disposition": content_disposition_header(True, document_file.original_filename),
    }
    validators = HttpResponse(headers=headers)
    conditional = get_conditional_response(
        request, etag=document_file.etag, last_modified=last_modified, response=validators
    )
    if conditional is not validators:  # 304 Not Modified or 412 Precondition Failed
        conditional.counted = False
        return conditional

    try:
        byte_range = requested_range(request, size, document_file.etag, last_modified)
    except Unsatisfiable:
        response = HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        response.counted = False
        return response
    start, end = byte_range or (0, size - 1)
    length = end - start + 1
    status = 206 if byte_range else 200
    headers["Content-Type"] = document_file.mime_type
    if byte_range:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"

    if request.method == "HEAD":
        response = HttpResponse(status=status, headers={**headers, "Content-Length": str(length)})
    else:
        stored = open_stored(document_file)
        if byte_range:
            response = StreamingHttpResponse(read_range(stored, start, length), status=206, headers=headers)
            response.headers["Content-Length"] = str(length)
        else:
            response = FileResponse(stored, as_attachment=True, filename=document_file.original_filename)
            response.block_size = CHUNK
            for name, value in headers.items():
                response.headers[name] = value
            response.headers["Content-Length"] = str(size)
    # A new download is a whole file or the first part of one; a resumed part or a HEAD is not counted again.
    response.counted = request.method == "GET" and start == 0
    return response


def open_stored(document_file):
    try:
        return document_file.file.storage.open(document_file.file.name, "rb")
    except OSError as error:
        # The record says there is a file and the storage has none: say so loudly, answer "not found".
        logger.error("Document file %s is missing from the storage: %s", document_file.file.name, error)
        raise Http404("The file is missing from the storage.") from error


def read_range(stored, start, length):
    # The response closes this generator when it is done (or the client goes away), which closes the file.
    try:
        stored.seek(start)
        remaining = length
        while remaining > 0:
            chunk = stored.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        stored.close()
