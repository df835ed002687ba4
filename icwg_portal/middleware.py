import ipaddress
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render

from icwg_portal.views import error_page

logger = logging.getLogger("icwg_portal")

# Everything from our own host, nothing inline: no script, style or event handler can be injected into a page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The portal uses none of these browser features; saying so stops an injected or embedded script using them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class TrustedProxyMiddleware:
    """Put the visitor's own address in ``REMOTE_ADDR`` when the request came through one of our proxies.

    Only a peer listed in ``TRUSTED_PROXIES`` is believed. X-Forwarded-For is read from the right, as each
    proxy appends the address it saw: the first address that is not one of our proxies is the visitor's.
    Anything to its left was written by the visitor and may be forged, so it is never used — the same rule as
    nginx's ``real_ip_recursive``. Login lockouts, logs and rate limits all read the result.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]

    def __call__(self, request):
        if self.trusted:
            request.META["REMOTE_ADDR"] = self.visitor_address(request.META)
        return self.get_response(request)

    def is_trusted(self, address):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def visitor_address(self, meta):
        peer = meta.get("REMOTE_ADDR", "")
        if not self.is_trusted(peer):
            return peer
        forwarded = [entry.strip() for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for address in reversed([entry for entry in forwarded if entry]):
            if self.is_trusted(address):
                continue
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer  # garbage where an address should be: fall back to what we know
        return peer


def client_address(request):
    """The visitor's address for django-axes: TrustedProxyMiddleware has already resolved it."""
    return request.META.get("REMOTE_ADDR")


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: Content-Security-Policy and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = CONTENT_SECURITY_POLICY
        if settings.MEDIA_STORAGE == "s3" and settings.STORAGES["default"]["OPTIONS"].get("endpoint_url"):
            policy = policy.replace(
                "img-src 'self' data:",
                f"img-src 'self' data: {settings.STORAGES['default']['OPTIONS']['endpoint_url']}",
            )
        if settings.SECURE_SSL_REDIRECT:
            policy += "; upgrade-insecure-requests"
        self.policy = policy

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class HealthCheckMiddleware:
    """``/healthz`` for load balancers: 200 when the database and the media storage answer, 503 otherwise.

    It answers before host validation and HTTPS redirects (balancers probe by IP over plain HTTP), says only
    "ok" or "unavailable", and logs the reason for operators.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        problems = [
            name
            for name, check in (
                ("database", database_answers),
                ("media", media_storage_answers),
                ("cache", cache_answers),
            )
            if not check()
        ]
        response = HttpResponse(
            "unavailable\n" if problems else "ok\n",
            status=503 if problems else 200,
            content_type="text/plain",
        )
        response["Cache-Control"] = "no-store"
        if problems:
            logger.error("health check failed: %s", ", ".join(problems))
        return response


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.warning("health check: database: %s", error)
        return False


def cache_answers():
    """The shared cache (Redis in production) takes a value and gives it back."""
    probe = f"healthz:{os.getpid()}"
    try:
        cache.set(probe, "ok", timeout=10)
        return cache.get(probe) == "ok"
    except Exception as error:  # noqa: BLE001 - whatever the backend raises, the cache is not answering
        logger.warning("health check: cache: %s", error)
        return False


def media_storage_answers():
    try:
        if isinstance(default_storage, FileSystemStorage):
            location = Path(default_storage.location)
            location.mkdir(parents=True, exist_ok=True)
            # A real write, not os.access(): as root it says "writable" even on a read-only mount. A full disk
            # fails the write too.
            descriptor, probe = tempfile.mkstemp(prefix=".healthz-", dir=location)
            try:
                os.write(descriptor, b"ok\n")
            finally:
                os.close(descriptor)
                os.unlink(probe)
            return True
        default_storage.exists("healthz")  # a cheap request that proves the object store answers
        return True
    except Exception as error:  # noqa: BLE001 - any storage failure means "not healthy"
        logger.warning("health check: media storage: %s", error)
        return False


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, say so plainly (503, try again shortly), not as a bare error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) or not is_connection_failure(
            exception
        ):
            return None
        logger.error("database unavailable: %s", exception, exc_info=exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response


def is_connection_failure(exception: DatabaseError) -> bool:
    # InterfaceError is always the connection; an OperationalError may also be e.g. a lock timeout, which is
    # an ordinary server error. psycopg and sqlite both word connection failures recognisably.
    if isinstance(exception, InterfaceError):
        return True
    text = str(exception).lower()
    return any(
        phrase in text
        for phrase in (
            "connection",
            "could not connect",
            "server closed",
            "terminating",
            "unable to open database",
        )
    )


class RequestTooLargeMiddleware:
    """A request body larger than MAX_REQUEST_BYTES gets a 413 page in the visitor's language, unread.

    Django alone would read and parse it (spooling uploads to disk) before any form could refuse it. nginx
    refuses the same requests with the same page (``manage.py render_error_pages``); this covers the app
    reached without it. A body sent without Content-Length (chunked) is not read by Django at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: an unreadable length is an empty body
        if length > settings.MAX_REQUEST_BYTES:
            # Django logs the 413 like any other refused request (django.request, a warning).
            return error_page("413.html", 413, {"limit": settings.MAX_REQUEST_BYTES})
        return self.get_response(request)


class NulInQueryMiddleware:
    """A NUL character in a back-office address's query string is a 400 page, not a 500 from the database.

    PostgreSQL text cannot hold NUL. The public pages read their parameters through forms, which drop it (a
    search for "cusco\x00lima" is a search), but the admin's list filters hand query parameters
    (``?status__exact=%00``) straight to the database, so there it is refused before any view sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) and any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            return error_page("400.html", 400)
        return self.get_response(request)
