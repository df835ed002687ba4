"""Serving uploaded images (country and group images, document covers) to visitors, drafts kept private.

Nothing under MEDIA_ROOT is public by being there: a file is served only while a record refers to it, and a
draft's file only to the staff who may preview that draft. Apps say which records own which folder
(``register`` in their AppConfig.ready); everything else under /media/ — document files, which go through
their own download view, and files no record refers to any more — answers 404.

Behind nginx (``MEDIA_ACCEL_REDIRECT`` set), the app only decides and nginx sends the bytes from disk
(X-Accel-Redirect to an internal location, see deploy/nginx/icwg.conf.template). Without it, the app streams
the file from the local disk; with S3-compatible storage, it redirects to a short-lived signed URL.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# Images are shown, never run: even an image format that can carry script (SVG) is inert under this policy.
MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
PUBLIC_CACHE_CONTROL = "public, max-age=86400"
PRIVATE_CACHE_CONTROL = "private, no-store"


@dataclass(frozen=True)
class MediaOwner:
    """Records whose ``field`` holds files stored under ``folder``."""

    folder: str
    field: str
    public: Callable[[], QuerySet]  # what every visitor may see
    visible_to: Callable[[object], QuerySet]  # what this signed-in user may see (drafts they may preview)


OWNERS: list[MediaOwner] = []


def register(folder, field, public, visible_to):
    OWNERS.append(MediaOwner(folder.rstrip("/") + "/", field, public, visible_to))


def owner_of(name):
    candidates = [owner for owner in OWNERS if name.startswith(owner.folder)]
    return max(candidates, key=lambda owner: len(owner.folder), default=None)


@require_safe
def serve_media(request, name):
    owner = owner_of(name)
    if owner is None or "\x00" in name:
        raise Http404
    refers = {owner.field: name}
    if owner.public().filter(**refers).exists():
        cache_control = PUBLIC_CACHE_CONTROL
    elif request.user.is_authenticated and owner.visible_to(request.user).filter(**refers).exists():
        cache_control = PRIVATE_CACHE_CONTROL
    else:
        raise Http404
    response = stored_file_response(request, name)
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = MEDIA_CONTENT_SECURITY_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if cache_control == PRIVATE_CACHE_CONTROL:
        patch_vary_headers(response, ["Cookie"])
    return response


def stored_file_response(request, name):
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx sends the file (with its own ETag, Last-Modified and 304s) from its internal location.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT + quote(name)
        return response
    if not isinstance(default_storage, FileSystemStorage):
        return HttpResponseRedirect(default_storage.url(name))
    try:
        size = default_storage.size(name)
        modified = int(default_storage.get_modified_time(name).timestamp())
    except FileNotFoundError as missing:
        raise Http404 from missing
    etag = f'"{size:x}-{modified:x}"'
    validators = HttpResponse(headers={"ETag": etag, "Last-Modified": http_date(modified)})
    conditional = get_conditional_response(request, etag=etag, last_modified=modified, response=validators)
    if conditional is not validators:
        return conditional
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["ETag"], response["Last-Modified"] = etag, http_date(modified)
    return response
