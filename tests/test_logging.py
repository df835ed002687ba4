import json
import logging

from django.test import RequestFactory

from icwg_portal.logging import JSONFormatter


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
