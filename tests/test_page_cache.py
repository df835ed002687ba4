"""The page cache for anonymous visitors (icwg_portal/page_cache.py): fast, shareable, and never stale."""

import shutil
import socket
import subprocess
import time
from io import BytesIO, StringIO

import pytest
import redis
from django.core.management import call_command
from django.test import Client

from groups.models import WorkingGroup
from icwg_portal.page_cache import LocalCopies
from tests import factories
from tests.admin_pages import form_fields

CUSCO = {"es": "/es/paises/peru/cusco/", "en": "/en/countries/peru/cusco/"}


def test_an_anonymous_visitor_gets_the_stored_page_the_second_time(client, cusco):
    first = client.get(CUSCO["es"])
    second = client.get(CUSCO["es"])

    assert first.status_code == second.status_code == 200
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["Content-Language"] == "es"


def test_a_stored_page_costs_no_database_query(client, cusco, django_assert_num_queries):
    client.get(CUSCO["en"])
    with django_assert_num_queries(0):
        assert client.get(CUSCO["en"])["X-Page-Cache"] == "hit"


def test_a_shared_page_has_no_vary_cookie_and_tells_browsers_and_cdns_how_to_keep_it(client, cusco):
    for answer in (client.get(CUSCO["es"]), client.get(CUSCO["es"])):
        assert "cookie" not in answer.get("Vary", "").lower()
        assert "Set-Cookie" not in answer.headers
        cache_control = {part.strip() for part in answer["Cache-Control"].split(",")}
        assert {"public", "max-age=0", "s-maxage=1"} <= cache_control
        assert answer["X-Accel-Expires"].startswith("@")  # until the end of this second, for nginx
        assert answer["ETag"].startswith('"') and answer["Last-Modified"].endswith("GMT")


def test_a_browser_that_has_the_page_gets_a_304_until_the_content_changes(client, cusco):
    page = client.get(CUSCO["es"])
    again = client.get(CUSCO["es"], HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(CUSCO["es"], HTTP_IF_MODIFIED_SINCE=page["Last-Modified"]).status_code == 304

    cusco.vision_es = "Una visión corregida."
    cusco.save()

    changed = client.get(CUSCO["es"], HTTP_IF_NONE_MATCH=page["ETag"])
    assert changed.status_code == 200 and "Una visión corregida." in changed.content.decode()


def test_the_language_is_part_of_the_stored_page(client, cusco):
    assert client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="en")["X-Page-Cache"] == "miss"
    assert client.get("/robots.txt", HTTP_ACCEPT_LANGUAGE="es")["X-Page-Cache"] == "miss"
    spanish, english = client.get(CUSCO["es"]), client.get(CUSCO["en"])
    assert spanish["X-Page-Cache"] == english["X-Page-Cache"] == "miss"
    assert 'lang="es"' in spanish.content.decode() and 'lang="en"' in english.content.decode()


def edit_in_the_admin(staff, group, **changes):
    url = f"/admin/groups/workinggroup/{group.pk}/change/"
    page = staff.get(url)
    assert page.status_code == 200
    fields = {}
    for name, value in form_fields(page.content.decode(), "workinggroup_form"):
        fields.setdefault(name, []).append(changes.get(name, value))
    answer = staff.post(url, fields)
    assert answer.status_code == 302, answer.context["adminform"].form.errors


def test_an_edit_in_the_admin_shows_at_once_in_both_languages_although_the_pages_were_stored(client, cusco):
    for path in CUSCO.values():
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit"
    staff = Client()
    staff.force_login(factories.make_superuser())

    edit_in_the_admin(staff, cusco, vision_es="Visión nueva de Cusco.", vision_en="Cusco's new vision.")

    spanish, english = client.get(CUSCO["es"]), client.get(CUSCO["en"])
    assert "Visión nueva de Cusco." in spanish.content.decode()
    assert "Cusco&#x27;s new vision." in english.content.decode()
    assert spanish["X-Page-Cache"] == english["X-Page-Cache"] == "miss"


def test_every_kind_of_content_change_makes_the_stored_pages_obsolete(client, cusco):
    lima = WorkingGroup.objects.get(slug="lima")

    def fresh_after(change):
        client.get("/es/documentos/")
        assert client.get("/es/documentos/")["X-Page-Cache"] == "hit"
        change()
        return client.get("/es/documentos/")["X-Page-Cache"] == "miss"

    document = factories.make_document(groups=[lima], title_es="Informe nuevo")
    assert fresh_after(lambda: document.groups.remove(lima))  # a many-to-many link
    assert fresh_after(lambda: factories.make_contact(group=lima))  # another app's content
    assert fresh_after(document.delete)  # a delete
    cusco.vision_es = "Editada por alguien."
    cusco.save()
    # A command that rewrites content (here: the seed undoing that edit).
    assert fresh_after(lambda: call_command("load_peru_content", "--reset", stdout=StringIO()))


def test_signed_in_staff_always_get_a_fresh_private_page_with_their_drafts(client, cusco):
    draft = factories.make_group(country=cusco.country, status="draft", name_es="Grupo en borrador")
    staff = Client()
    staff.force_login(factories.make_superuser())
    client.get(CUSCO["es"])

    for _ in range(2):
        answer = staff.get(CUSCO["es"])
        assert "X-Page-Cache" not in answer.headers
        assert "private" in answer["Cache-Control"] and "no-cache" in answer["Cache-Control"]
        assert "Cookie" in answer["Vary"]
    preview = staff.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "X-Page-Cache" not in preview.headers
    # The draft never reaches the shared pages, before or after staff previewed it.
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Grupo en borrador" not in client.get("/es/paises/peru/").content.decode()


@pytest.mark.parametrize("path", ["/es/no-existe/", "/language/en/?next=/en/"])
def test_errors_redirects_and_answers_that_set_cookies_are_never_stored(client, cusco, path):
    for _ in range(2):
        answer = client.get(path)
        assert answer.status_code in (302, 404)
        assert "X-Page-Cache" not in answer.headers


def test_a_head_request_is_answered_from_the_stored_page(client, cusco):
    client.get(CUSCO["es"])
    answer = client.head(CUSCO["es"])
    assert answer.status_code == 200 and answer["X-Page-Cache"] == "hit"


def test_the_page_cache_can_be_turned_off(client, cusco, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get(CUSCO["es"])
    assert "X-Page-Cache" not in client.get(CUSCO["es"]).headers


def test_many_saves_in_one_transaction_bump_the_version_once_more_after_the_commit(cusco):
    from django.db import connection

    from icwg_portal.page_cache import bump_version

    for number in range(5):
        factories.make_contact(group=cusco, person=f"Persona {number}")
    # (This test runs inside one transaction, as a restore does: the fixture's loading already saved in it.)
    pending = [entry for entry in connection.run_on_commit if entry[1] is bump_version]
    assert len(pending) == 1


def test_a_cache_that_is_down_costs_a_fresh_page_and_a_logged_error_never_a_failure(
    client, cusco, settings, caplog
):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
    settings.CACHES = {"default": unreachable, "content_version": unreachable}

    answer = client.get(CUSCO["es"])
    assert answer.status_code == 200 and "X-Page-Cache" not in answer.headers
    cusco.vision_es = "Guardada aunque la caché no responde."
    cusco.save()
    assert "Guardada aunque la caché no responde." in client.get(CUSCO["es"]).content.decode()
    assert any(
        record.name == "icwg_portal.page_cache" and record.levelname == "ERROR" for record in caplog.records
    )


# --- The WSGI application: stored pages answered before Django handles the request -------------------------


@pytest.fixture
def build_site():
    """Builds the site's WSGI application as gunicorn runs it (icwg_portal/wsgi.py), after the test's changes.

    Django's test client never goes through it. As the test client does, the request signals do not close
    the test's database connection (the test runs inside a transaction)."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    from icwg_portal.page_cache import StoredPageApplication

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield lambda: StoredPageApplication(get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def site(build_site):
    return build_site()


def wsgi_request(application, path, method="GET", **headers):
    """(status code, headers, body) of ``application`` answering ``path``; headers as HTTP_* names."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": StringIO(),
        "wsgi.url_scheme": "http",
        **headers,
    }
    answered = {}

    def start_response(status, response_headers, exc_info=None):
        answered["status"] = int(status.split()[0])
        answered["headers"] = {name.lower(): value for name, value in response_headers}

    chunks = application(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return answered["status"], answered["headers"], body


def test_the_deployed_application_answers_stored_pages_before_django(cusco):
    from icwg_portal.page_cache import StoredPageApplication
    from icwg_portal.wsgi import application

    assert isinstance(application, StoredPageApplication)


def test_a_stored_page_comes_back_before_django_with_every_header_the_middleware_added(
    site, cusco, django_assert_num_queries
):
    status, rendered, page = wsgi_request(site, CUSCO["es"])
    assert status == 200 and rendered["x-page-cache"] == "miss"
    with django_assert_num_queries(0):
        status, stored, again = wsgi_request(site, CUSCO["es"])

    assert status == 200 and stored["x-page-cache"] == "hit"
    assert again == page and stored["content-length"] == str(len(page))
    # The headers the security middleware add were stored with the page; none of it ran for this answer.
    for header in (
        "content-security-policy",
        "permissions-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
        "content-language",
        "content-type",
        "etag",
    ):
        assert stored[header] == rendered[header], header
    assert "set-cookie" not in stored and "cookie" not in stored.get("vary", "").lower()


def test_before_django_a_head_gets_the_headers_and_a_revalidation_gets_a_304(site, cusco):
    _status, first, page = wsgi_request(site, CUSCO["en"])

    status, headers, body = wsgi_request(site, CUSCO["en"], method="HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(page)))

    status, headers, body = wsgi_request(site, CUSCO["en"], HTTP_IF_NONE_MATCH=first["etag"])
    assert (status, body, headers["etag"]) == (304, b"", first["etag"])
    assert wsgi_request(site, CUSCO["en"], HTTP_IF_NONE_MATCH='"another"')[0] == 200
    # If-Match is left to Django's own rules: a stale tag is refused, as without the cache.
    assert wsgi_request(site, CUSCO["en"], HTTP_IF_MATCH='"another"')[0] == 412


def test_before_django_staff_a_bad_host_and_another_language_never_get_a_stored_page(site, cusco):
    wsgi_request(site, "/robots.txt", HTTP_ACCEPT_LANGUAGE="es")
    assert wsgi_request(site, "/robots.txt", HTTP_ACCEPT_LANGUAGE="es")[1]["x-page-cache"] == "hit"

    assert wsgi_request(site, "/robots.txt", HTTP_ACCEPT_LANGUAGE="en")[1]["x-page-cache"] == "miss"
    wsgi_request(site, CUSCO["es"])
    staff = wsgi_request(site, CUSCO["es"], HTTP_COOKIE="sessionid=abc")
    assert "x-page-cache" not in staff[1] and "private" in staff[1]["cache-control"]
    assert wsgi_request(site, "/robots.txt", HTTP_ACCEPT_LANGUAGE="es", HTTP_HOST="evil.example")[0] == 400
    assert wsgi_request(site, "/robots.txt?x=1", HTTP_ACCEPT_LANGUAGE="es")[1]["x-page-cache"] == "miss"


def test_before_django_a_page_stored_for_https_is_never_served_over_plain_http(build_site, settings, cusco):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    site = build_site()
    for _ in range(2):
        secure = wsgi_request(site, CUSCO["es"], HTTP_X_FORWARDED_PROTO="https")
    assert secure[0] == 200 and secure[1]["x-page-cache"] == "hit"
    assert "strict-transport-security" in secure[1]

    plain = wsgi_request(site, CUSCO["es"])
    assert plain[0] == 301 and plain[1]["location"].startswith("https://")


def test_before_django_an_odd_address_reaches_django_intact(site, cusco):
    # As a WSGI server passes it: the bytes of "/es/\u2028\x85/" in UTF-8, one character per byte.
    odd = "/es/\u2028\x85/".encode().decode("latin-1")
    for _ in range(2):
        assert wsgi_request(site, odd)[0] == 404
    assert wsgi_request(site, "/es/per\xc3\xba/")[0] == 404


# --- Each worker's copies of the pages it served lately -----------------------------------------------


def a_page(version, size):
    return {"version": version, "content": b"x" * size, "headers": {}, "etag": '"e"', "last_modified": 0}


def test_a_worker_keeps_copies_of_its_latest_pages_within_its_byte_budget():
    copies = LocalCopies(max_bytes=3_000)
    for name in ("home", "cusco", "lima"):
        copies.put(name, a_page("1", 1_000))
    copies.get("home")  # served again: the least recently served is now Cusco
    copies.put("library", a_page("1", 1_000))
    assert copies.get("cusco") is None
    assert {name for name in ("home", "lima", "library") if copies.get(name)} == {"home", "lima", "library"}
    assert copies.size == 3_000

    copies.put("huge", a_page("1", 3_001))  # larger than the budget: never kept, nothing pushed out for it
    assert copies.get("huge") is None and copies.size == 3_000
    copies.put("home", a_page("2", 500))  # a page rendered again replaces its copy
    assert copies.get("home")["version"] == "2" and copies.size == 2_500


def test_a_view_that_says_how_long_its_answer_keeps_is_taken_at_its_word_from_the_cache(site, cusco):
    for _ in range(2):
        status, headers, _body = wsgi_request(site, "/robots.txt")
    assert (status, headers["x-page-cache"]) == (200, "hit")
    assert headers["cache-control"] == "max-age=86400, public"
    # A page that says nothing gets the page cache's own: browsers revalidate, a CDN keeps it a second.
    for _ in range(2):
        status, headers, _body = wsgi_request(site, CUSCO["es"])
    assert (headers["x-page-cache"], headers["cache-control"]) == ("hit", "public, max-age=0, s-maxage=1")


def test_the_middleware_keeps_a_views_own_cache_control_too(client, cusco):
    client.get("/robots.txt")
    answer = client.get("/robots.txt")
    assert answer.headers["X-Page-Cache"] == "hit"
    assert answer.headers["Cache-Control"] == "max-age=86400, public"


def test_a_cache_that_is_down_is_logged_once_per_request_before_django_too(site, cusco, settings, caplog):
    unreachable = {
        "BACKEND": "icwg_portal.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
    settings.CACHES = {"default": unreachable, "content_version": unreachable}

    assert wsgi_request(site, CUSCO["es"])[0] == 200
    errors = [r for r in caplog.records if r.name == "icwg_portal.page_cache" and r.levelname == "ERROR"]
    assert len(errors) == 1, [r.getMessage() for r in errors]


# --- With Redis, as deployed ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A real Redis of the tests' own (installed by .ci/run, as for the stack)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(port)]
        + ["--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    connection = redis.Redis(port=port)
    for _ in range(100):
        try:
            connection.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield connection
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def redis_cache(redis_server, settings):
    """The site's caches in Redis, both aliases in one, as scripts/stack configures them; command counts
    start from zero."""
    redis_server.flushall()
    redis_server.config_resetstat()
    port = redis_server.connection_pool.connection_kwargs["port"]
    shared = {"BACKEND": "icwg_portal.redis_cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    settings.CACHES = {"default": shared, "content_version": shared}
    return redis_server


def commands(server):
    """How many of each command Redis has answered since its counts were reset."""
    stats = server.info("commandstats")
    counts = {name.removeprefix("cmdstat_"): command["calls"] for name, command in stats.items()}
    counts.pop("config|resetstat", None)  # the reset itself
    return counts


def test_with_redis_a_miss_reads_the_cache_once_and_a_worker_answers_from_its_copy(site, cusco, redis_cache):
    status, headers, page = wsgi_request(site, CUSCO["es"])
    assert (status, headers["x-page-cache"]) == (200, "miss")
    # The WSGI application asked (version and page together); the middleware behind it did not ask again.
    assert commands(redis_cache).get("mget") == 1

    redis_cache.config_resetstat()
    for _ in range(3):
        status, headers, again = wsgi_request(site, CUSCO["es"])
        assert (status, headers["x-page-cache"], again) == (200, "hit", page)
    # Each hit read only the content version: the page came from this worker's copy.
    assert commands(redis_cache) == {"get": 3}


def test_with_redis_a_workers_copy_is_never_served_after_an_edit(site, cusco, redis_cache):
    for _ in range(2):
        wsgi_request(site, CUSCO["es"])
    cusco.vision_es = "Visión editada mientras el trabajador guardaba su copia."
    cusco.save()

    status, headers, page = wsgi_request(site, CUSCO["es"])
    assert (status, headers["x-page-cache"]) == (200, "miss")
    assert "Visión editada mientras el trabajador guardaba su copia." in page.decode()
