import json
import logging
import os
import subprocess
import sys

from django.core.cache import cache
from django.db import OperationalError
from django.test import RequestFactory

from icwg_portal.logging import AdminEmailHandler, JSONFormatter, json_line
from tests.gunicorn_servers import ROOT, free_port


def format_record(**kwargs):
    logger = logging.getLogger("icwg_portal.test")
    record = logger.makeRecord(
        logger.name, logging.ERROR, __file__, 1, "failed for %s", ("Cusco",), None, **kwargs
    )
    return json.loads(JSONFormatter().format(record))


def test_a_log_line_is_one_json_object_with_time_level_and_message():
    entry = format_record()
    assert entry["level"] == "ERROR" and entry["message"] == "failed for Cusco"
    assert entry["logger"] == "icwg_portal.test" and entry["time"].endswith("+00:00")


def test_request_details_and_extra_fields_are_kept_but_not_the_request_object():
    request = RequestFactory().get("/es/paises/peru/cusco/")
    entry = format_record(extra={"request": request, "status_code": 500, "group": "cusco"})
    assert entry["method"] == "GET" and entry["path"] == "/es/paises/peru/cusco/"
    assert entry["status"] == 500 and entry["group"] == "cusco" and "request" not in entry


def test_an_exception_is_kept_as_one_field_on_the_same_line():
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        logger = logging.getLogger("x")
        record = logger.makeRecord("x", logging.ERROR, __file__, 1, "oops", (), sys.exc_info())
    line = JSONFormatter().format(record)
    assert "\n" not in line and "ValueError: broken" in json.loads(line)["exception"]


def test_no_character_of_a_message_can_start_a_new_line():
    line = json_line({"message": 'a\nb\r\x00\x85\u2028\u2029 "quoted" \\'})
    assert (
        len(line.splitlines()) == 1
        and json.loads(line)["message"] == 'a\nb\r\x00\x85\u2028\u2029 "quoted" \\'
    )


def test_a_forged_host_header_is_a_warning_without_a_traceback(client, db, caplog):
    client.get("/es/", HTTP_HOST="evil.example")
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelname == "WARNING" and record.exc_info is None


def mail_errors_to_admins(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"ADMIN_EMAILS", "EMAIL_HOST", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import icwg_portal.settings as s; print(s.MAIL_ERRORS_TO_ADMINS, s.LOGGING)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    mailed, logging_config = result.stdout.split(" ", 1)
    assert (mailed == "True") == ("AdminEmailHandler" in logging_config)
    return mailed == "True"


def test_errors_are_mailed_only_when_admin_emails_and_an_email_host_are_set():
    assert mail_errors_to_admins(ADMIN_EMAILS="ops@example.org", EMAIL_HOST="smtp.example.org")
    assert not mail_errors_to_admins(ADMIN_EMAILS="ops@example.org")
    assert not mail_errors_to_admins(EMAIL_HOST="smtp.example.org")
    assert not mail_errors_to_admins(
        ADMIN_EMAILS="ops@example.org", EMAIL_HOST="smtp.example.org", DEBUG="true"
    )


def test_an_error_report_the_mail_server_refuses_is_logged_not_lost(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    settings.ADMINS = [("Portal administrators", "ops@example.org")]
    logger = logging.getLogger("django.request")
    record = logger.makeRecord(
        logger.name, logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/es/",), None
    )
    AdminEmailHandler().handle(record)
    [failure] = [r for r in caplog.records if r.name == "icwg_portal.error_mail"]
    assert failure.levelname == "ERROR" and "could not be mailed" in failure.getMessage()
    assert "Connection refused" in failure.getMessage() or "ConnectionRefusedError" in failure.getMessage()


def test_the_same_error_is_mailed_once_in_a_while_but_each_new_one_at_once(settings, mailoutbox):
    settings.ADMINS = [("Portal administrators", "ops@example.org")]
    logger = logging.getLogger("django.request")

    def report(error, path):
        try:
            raise error
        except type(error):
            record = logger.makeRecord(
                logger.name, logging.ERROR, __file__, 1, "Internal Server Error: %s", (path,), sys.exc_info()
            )
        AdminEmailHandler().handle(record)

    for path in ("/es/", "/en/", "/es/paises/"):  # a lost database: every page fails the same way
        report(OperationalError("connection to server failed"), path)
    assert len(mailoutbox) == 1
    report(ZeroDivisionError("division by zero"), "/es/")  # a different fault is news
    assert len(mailoutbox) == 2
    cache.clear()  # once the quiet period is over (here: forgotten), the first fault is mailed again
    report(OperationalError("connection to server failed"), "/es/")
    assert len(mailoutbox) == 3
