"""gunicorn's access log as one JSON object per line (``logger_class`` in gunicorn.conf.py).

gunicorn's own ``access_log_format`` fills a text template, so a quote, a backslash or an encoded newline in a
path or a header (``/es/x%0Afoo/``) broke the JSON or split the line. Here each request is a dict that
``json.dumps`` writes, which escapes them all. The line goes to gunicorn's access logger, so the ``accesslog``
setting and the handlers ``logconfig_dict`` gives it still decide where it goes.
"""

import traceback
from datetime import UTC, datetime
from urllib.parse import unquote_to_bytes

from gunicorn.glogging import Logger

from icwg_portal.logging import json_line


def latin1_text(value):
    """Text gunicorn read as Latin-1 (the raw bytes, as WSGI wants) as the UTF-8 a browser meant."""
    if value is None:
        return None
    return value.encode("latin-1", "backslashreplace").decode("utf-8", "backslashreplace")


def request_path(req, environ):
    """The path as the client sent it, decoded. Not PATH_INFO: the application may have rewritten it (Django
    replaces it with its own decoding), and gunicorn hands the log the environ the application changed."""
    path = getattr(req, "path", None)
    if path is None:
        return latin1_text(environ.get("PATH_INFO"))
    return unquote_to_bytes(path.encode("latin-1", "backslashreplace")).decode("utf-8", "backslashreplace")


def request_header(req, environ, name):
    """A request header as the client sent it (several of the same name joined, as WSGI does)."""
    headers = getattr(req, "headers", None)
    if headers is None:
        return latin1_text(environ.get("HTTP_" + name.replace("-", "_")))
    values = [value for key, value in headers if key == name]
    return latin1_text(", ".join(values)) if values else None


def peer_address(req, environ):
    """The address of whoever opened the connection (the proxy, behind one), whatever the application did to
    REMOTE_ADDR."""
    peer = getattr(req, "peer_addr", None)
    if isinstance(peer, tuple):
        return peer[0]
    if isinstance(peer, bytes):
        return peer.decode("utf-8", "backslashreplace")
    return peer or environ.get("REMOTE_ADDR")


class JSONAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            entry = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "logger": "gunicorn.access",
                "remote": peer_address(req, environ),
                # As the proxies sent it, the visitor's own address included (written by the visitor, and so
                # only as trustworthy as the proxy in front: see TRUSTED_PROXIES).
                "forwarded_for": request_header(req, environ, "X-FORWARDED-FOR"),
                "method": getattr(req, "method", None) or environ.get("REQUEST_METHOD"),
                "path": request_path(req, environ),
                "query": latin1_text(getattr(req, "query", None) or environ.get("QUERY_STRING")),
                "status": int(status) if str(status).isdigit() else latin1_text(str(status)),
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "referer": request_header(req, environ, "REFERER"),
                "user_agent": request_header(req, environ, "USER-AGENT"),
            }
            # A message without arguments is written as it is: a "%" in a path needs no escaping.
            self.access_log.info(json_line(entry))
        except Exception:  # noqa: BLE001 - a log line must never break a response
            self.error(traceback.format_exc())
