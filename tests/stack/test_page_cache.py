"""Pages as deployed: the app's page cache in Redis, shared by every gunicorn worker, and nginx's one-second
micro-cache in front of it; an edit in the admin reaches every visitor within that second."""

import time

import pytest

from tests.stack.client import Visitor
from tests.stack.running import ADMIN_PASSWORD
from tests.stack.test_stack import record_id

pytestmark = pytest.mark.stack

CUSCO = {"es": "/es/paises/peru/cusco/", "en": "/en/countries/peru/cusco/"}


def test_nginx_keeps_an_anonymous_page_one_second_and_never_a_signed_in_one(stack):
    visitor = Visitor(stack)
    path = "/es/paises/peru/?micro-cache"  # an address no other test has read
    answers = [visitor.get(path) for _ in range(3)]
    assert [answer.headers["x-micro-cache"] for answer in answers] == ["MISS", "HIT", "HIT"]
    assert answers[1].body == answers[0].body
    assert "cookie" not in answers[0].headers.get("vary", "").lower()
    assert "x-accel-expires" not in answers[0].headers  # for nginx only
    time.sleep(1.1)
    assert visitor.get(path).headers["x-micro-cache"] in ("EXPIRED", "MISS")

    staff = Visitor(stack)
    assert staff.sign_in("admin", ADMIN_PASSWORD).status == 302
    for _ in range(2):
        page = staff.get(path)
        assert page.headers["x-micro-cache"] == "BYPASS"
        assert "private" in page.headers["cache-control"] and "x-page-cache" not in page.headers


def test_every_worker_serves_the_stored_page_from_redis_and_answers_304s(stack):
    assert len(stack.app_pids()) >= 2  # several processes, one cache
    visitor = Visitor(stack)
    first = visitor.get("/es/documentos/")
    later = []
    for _ in range(3):
        time.sleep(1.1)  # past nginx's second: each answer comes from the app, from whichever worker
        later.append(visitor.get("/es/documentos/"))
    assert {answer.headers["x-page-cache"] for answer in later} == {"hit"}
    assert {answer.headers["x-micro-cache"] for answer in later} <= {"EXPIRED", "MISS"}
    assert {answer.body for answer in later} == {first.body}
    again = visitor.get("/es/documentos/", **{"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


def test_an_edit_in_the_admin_reaches_visitors_within_a_second_in_both_languages(stack):
    cusco = record_id(stack, "groups_workinggroup", "cusco")
    visitor = Visitor(stack)
    for path in CUSCO.values():
        visitor.get(path)
        time.sleep(1.1)
        assert visitor.get(path).headers["x-page-cache"] == "hit"  # stored before the edit

    staff = Visitor(stack)
    assert staff.sign_in("admin", ADMIN_PASSWORD).status == 302
    change = f"/admin/groups/workinggroup/{cusco}/change/"
    stamp = time.strftime("%H:%M:%S")
    typed = {"vision_es": f"Visión editada a las {stamp}.", "vision_en": f"Vision edited at {stamp}."}
    fields = [(name, typed.get(name, value)) for name, value in staff.get(change).form("workinggroup_form")]
    saved = staff.post(change, fields)
    assert saved.status == 302, saved.text[:2000]
    edited_at = time.monotonic()

    for language, path in CUSCO.items():
        while typed[f"vision_{language}"] not in (page := visitor.get(path)).text:
            assert time.monotonic() - edited_at < 1.5, f"{path} still shows the page from before the edit"
            time.sleep(0.1)
        assert page.status == 200
