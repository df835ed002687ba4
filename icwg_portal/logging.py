"""Structured logs: one JSON object per line on stdout, for whatever collects the containers' output."""

import hashlib
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import log

# Attributes every LogRecord has; anything else was passed through ``extra=`` and is kept as a field.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# json.dumps escapes every control character below U+0020, but with ensure_ascii=False it leaves these as they
# are, and some readers (Python's str.splitlines, JavaScript) take them for line breaks.
OTHER_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(entry):
    """``entry`` as one line of JSON, whatever its strings hold (newlines, quotes, NUL): never two lines."""
    return json.dumps(entry, ensure_ascii=False).translate(OTHER_LINE_BREAKS)


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.path
        status_code = getattr(record, "status_code", None)
        if status_code:
            entry["status"] = status_code
        for key, value in vars(record).items():
            if key in STANDARD_ATTRIBUTES or key in ("request", "status_code", "server_time"):
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json_line(entry)


class AdminEmailHandler(log.AdminEmailHandler):
    """Django's error report by email to ADMINS, except that a report the mail server refuses is not lost in
    silence (Django sends it with ``fail_silently=True``): the failure is logged, on stdout like the rest.

    The same error is mailed once per ERROR_MAIL_REPEAT_MINUTES (counted in the shared cache, so once for all
    app servers): a lost database during an evening's rush is one mail, not one per visitor. Every
    occurrence is still logged on stdout.
    """

    def emit(self, record):
        if first_report_in_a_while(record):
            super().emit(record)

    def connection(self):
        return mail.get_connection(backend=self.email_backend, fail_silently=False)

    def send_mail(self, subject, message, *args, **kwargs):
        kwargs["fail_silently"] = False
        try:
            super().send_mail(subject, message, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - whatever the mail server did, the request goes on
            # Not a django.* logger: this line must not be mailed in turn.
            logging.getLogger("icwg_portal.error_mail").error(
                "the error report could not be mailed to ADMIN_EMAILS: %r", error
            )


def first_report_in_a_while(record):
    """True unless the same error (logger, exception and its message, else the message) was mailed lately."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        what = f"{type(error).__module__}.{type(error).__qualname__}: {error}"
    else:
        what = record.getMessage()
    digest = hashlib.sha256(f"{record.name}|{what[:500]}".encode()).hexdigest()[:32]
    try:
        return cache.add(f"error-mail:{digest}", 1, timeout=settings.ERROR_MAIL_REPEAT_MINUTES * 60)
    except Exception:  # noqa: BLE001 - the cache being down is no reason to keep an error from operators
        return True


class AsWarning(logging.Filter):
    """Logs a logger's records as warnings without a traceback: for a client's mistake that Django reports as
    an error (a forged Host header is "Invalid HTTP_HOST header", with a trace of Django's own code)."""

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = None
        return True
