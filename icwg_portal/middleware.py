import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render

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
            for name, check in (("database", database_answers), ("media", media_storage_answers))
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


def media_storage_answers():
    try:
        if isinstance(default_storage, FileSystemStorage):
            location = Path(default_storage.location)
            location.mkdir(parents=True, exist_ok=True)
            return location.is_dir() and os.access(location, os.W_OK)
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
