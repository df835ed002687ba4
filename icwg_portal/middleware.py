import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger("icwg_portal")


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
