"""The portal as deployed: through nginx over TLS to gunicorn, PostgreSQL and Redis (`make stack`).

What only shows behind the proxy: the visitor's real address (lockouts), uploaded images served from disk,
one-line JSON access logs whatever the request, nginx's own error pages, and error reports that reach
the operators.
"""

import json
import re
import socket
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.documents.samples import pdf_bytes, png_bytes
from tests.stack.client import Visitor, image_sources
from tests.stack.conftest import OPERATOR_EMAIL
from tests.stack.running import ADMIN_PASSWORD

pytestmark = pytest.mark.stack

PUBLIC_PAGES = (
    "/es/",
    "/en/",
    "/es/paises/peru/",
    "/es/paises/peru/cusco/",
    "/en/countries/peru/lima/",
    "/es/documentos/",
    "/es/contactos/",
    "/es/buscar/?q=formalizacion",
    "/sitemap.xml",
    "/robots.txt",
)


def record_id(stack, table, slug):
    with stack.database() as database:
        return database.execute(f"SELECT id FROM {table} WHERE slug = %s", [slug]).fetchone()[0]


def test_visitors_read_every_public_page_over_tls_with_the_security_headers(stack):
    visitor = Visitor(stack)
    home = visitor.get("/")
    assert home.status == 302 and home.headers["location"] == "/es/"
    for path in PUBLIC_PAGES:
        answer = visitor.get(path)
        assert answer.status == 200, (path, answer.text[:500])
    page = visitor.get("/es/paises/peru/cusco/", **{"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["server"] == "nginx"  # no version for scanners
    # The app sees the host and port the visitor used: absolute links in the sitemap point back here.
    index = visitor.get("/sitemap.xml").text
    assert f"<loc>{stack.url}/sitemap-groups.xml</loc>" in index
    assert f"{stack.url}/es/paises/peru/cusco/" in visitor.get("/sitemap-groups.xml").text


def test_wrong_passwords_from_one_address_never_lock_the_admin_out_from_another(stack):
    attacker = "127.0.0.2"
    for attempt in range(5):
        answer = Visitor(stack, attacker).sign_in("admin", f"wrong-password-{attempt}")
    assert answer.status == 429
    assert Visitor(stack, attacker).sign_in("admin", ADMIN_PASSWORD).status == 429
    # Claiming to be someone else changes nothing: nginx writes the address it saw.
    forged = Visitor(stack, attacker, headers={"X-Forwarded-For": "127.0.0.3"})
    assert forged.sign_in("admin", ADMIN_PASSWORD).status == 429

    admin = Visitor(stack, "127.0.0.3")
    answer = admin.sign_in("admin", ADMIN_PASSWORD)
    assert answer.status == 302 and answer.headers["location"] == "/admin/"
    assert admin.get("/admin/").status == 200


def test_an_address_trying_many_names_is_locked_on_its_own(stack):
    flooding = "127.0.0.4"
    statuses = [Visitor(stack, flooding).sign_in(f"guess-{n}", "wrong-password").status for n in range(20)]
    assert statuses[:19] == [200] * 19 and statuses[19] == 429
    assert Visitor(stack, flooding).sign_in("admin", ADMIN_PASSWORD).status == 429
    assert Visitor(stack, "127.0.0.5").sign_in("admin", ADMIN_PASSWORD).status == 302


def loaded_images(page):
    """[src, loaded] of every image of the page, once each has loaded or failed."""
    # Lazy images load once scrolled to; a visitor would scroll, so the test asks for them all now.
    page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP rightly refuses.
    deadline = time.monotonic() + 15
    while not page.evaluate("Array.from(document.images).every(i => i.complete)"):
        assert time.monotonic() < deadline, "images still loading after 15 s"
        time.sleep(0.1)
    return page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth > 0])")


def test_an_uploaded_group_image_and_a_pdf_cover_show_on_the_public_pages(stack, browser, artifacts):
    cusco = record_id(stack, "groups_workinggroup", "cusco")
    mapping = record_id(stack, "documents_document", "mapeo-de-actores-cusco")
    staff = browser.new_context(ignore_https_errors=True, locale="es-PE")
    page = staff.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{stack.url}/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{stack.url}/admin/groups/workinggroup/{cusco}/change/")
    page.set_input_files(
        "#id_image",
        {"name": "Cusco ñandú 2026.png", "mimeType": "image/png", "buffer": png_bytes((800, 500))},
    )
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"{stack.url}/admin/documents/document/{mapping}/change/")
    page.locator("#id_files-0-file").set_input_files(
        {"name": "Mapeo de actores.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(("Mapeo",))}
    )
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(f"{stack.url}/admin/documents/document/")
    admin_images = loaded_images(page)
    assert admin_images and all(loaded for _src, loaded in admin_images), admin_images
    staff.close()

    visitor = browser.new_context(ignore_https_errors=True, locale="es-PE")
    page = visitor.new_page()
    shown = {}
    for path in ("/es/paises/peru/cusco/", "/es/documentos/", "/es/documentos/mapeo-de-actores-cusco/"):
        page.goto(stack.url + path)
        images = loaded_images(page)
        shown[path] = images
        assert images and all(loaded for _src, loaded in images), (path, images)
        page.screenshot(path=artifacts / f"stack{path.replace('/', '-').rstrip('-')}.png", full_page=True)
    visitor.close()
    assert any(src.startswith("/media/groups/") for src, _ in shown["/es/paises/peru/cusco/"])
    assert any(src.startswith("/media/documents/covers/") for src, _ in shown["/es/documentos/"])

    # Every image answers from nginx with caching and the media's own strict policy.
    anonymous = Visitor(stack)
    for src in image_sources(anonymous.get("/es/paises/peru/cusco/").text):
        answer = anonymous.get(src)
        assert answer.status == 200 and answer.headers["content-type"].startswith("image/"), src
        assert answer.headers["cache-control"] == "public, max-age=86400"
        assert "sandbox" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert anonymous.get(src, **{"If-None-Match": answer.headers["etag"]}).status == 304
        # nginx's internal location is not reachable from outside.
        assert anonymous.get(src.replace("/media/", "/_protected-media/", 1)).status == 404


def test_the_access_logs_stay_one_json_object_per_line_whatever_the_request(stack):
    hostile = [
        b"/es/x%0Afoo/",
        b"/es/%22%7D%0A%7B%22forged%22:true%7D/",
        b"/es/%00%0D%0A/",
        b"/es/%C3%28/",
        b"/es/caf\xc3\xa9/",
        b'/es/a"b\\c/',
    ]
    for path in hostile:
        with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as raw:
            with stack.tls_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.sendall(
                    b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b'User-Agent: evil"}\\ {"forged": true\r\nReferer: "\\\r\nConnection: close\r\n\r\n'
                )
                reply = b""
                while chunk := tls.recv(65536):
                    reply += chunk
        status = int(reply.split(b" ", 2)[1])
        assert status < 500, (path, reply[:300])
    time.sleep(0.5)
    for log in ("nginx-access.log", "app.log"):
        entries = [json.loads(line) for line in stack.log_lines(log)]  # each line, alone, is JSON
        assert not any("forged" in entry for entry in entries), log
    access = [json.loads(line) for line in stack.log_lines("nginx-access.log")]
    assert any(entry["uri"] == "/es/x%0Afoo/" for entry in access)
    # nginx writes the access log, once per request; gunicorn's would only repeat it (GUNICORN_ACCESS_LOG="").
    app = [entry for entry in map(json.loads, stack.log_lines("app.log"))]
    assert app and not any(entry.get("logger") == "gunicorn.access" for entry in app)


def test_a_server_error_is_logged_once_with_its_trace_and_mailed_to_the_operators(stack):
    before = len(stack.log_lines("app.log"))
    with stack.database() as database:
        # A realistic failure: a table a page reads has gone (a half-applied migration, say).
        database.execute("ALTER TABLE groups_pillar RENAME TO groups_pillar_away")
        try:
            # An address no visitor read before: not in the page cache.
            answer = Visitor(stack).get("/es/paises/peru/cusco/?fault")
        finally:
            database.execute("ALTER TABLE groups_pillar_away RENAME TO groups_pillar")
    assert answer.status == 500 and '<html lang="es">' in answer.text
    assert "Traceback" not in answer.text and "groups_pillar" not in answer.text

    deadline = time.monotonic() + 15
    while not stack.mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stack.mailbox.messages, "no error report reached the SMTP server"
    report = stack.mailbox.messages[-1]
    assert report.rcpt_tos == [OPERATOR_EMAIL]
    text = report.content.decode("utf-8", "replace")
    assert "/es/paises/peru/cusco/" in text and "groups_pillar" in text

    errors = [
        entry
        for entry in map(json.loads, stack.log_lines("app.log")[before:])
        if entry.get("level") == "ERROR" and entry.get("path") == "/es/paises/peru/cusco/"
    ]
    assert (
        len(errors) == 1
        and "Traceback" in errors[0]["exception"]
        and "groups_pillar" in errors[0]["exception"]
    )
    assert Visitor(stack).get("/es/paises/peru/cusco/").status == 200


def test_a_read_only_media_store_keeps_the_staff_members_form_and_saves_nothing(stack):
    lima = record_id(stack, "groups_workinggroup", "lima")
    with stack.database() as database:
        vision_before = database.execute(
            "SELECT vision_es, image FROM groups_workinggroup WHERE id = %s", [lima]
        ).fetchone()
    staff = Visitor(stack)
    assert staff.sign_in("admin", ADMIN_PASSWORD).status == 302
    change = f"/admin/groups/workinggroup/{lima}/change/"
    typed = "Visión escrita mientras el almacén de archivos no acepta nada."
    fields = [
        (name, typed if name == "vision_es" else value)
        for name, value in staff.get(change).form("workinggroup_form")
    ]
    image = {"image": ("lima.png", "image/png", png_bytes((640, 400)))}
    subprocess.run(["mount", "-o", "remount,ro", str(stack.media)], check=True)
    try:
        refused = staff.post(change, fields, files=image)
        assert Visitor(stack).get("/healthz").status == 503  # the load balancer learns of it too
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(stack.media)], check=True)
    assert refused.status == 200, refused.text[:1000]
    assert typed in refused.text and "errornote" in refused.text
    with stack.database() as database:
        assert (
            database.execute(
                "SELECT vision_es, image FROM groups_workinggroup WHERE id = %s", [lima]
            ).fetchone()
            == vision_before
        )
    fields = [(name, value) for name, value in refused.form("workinggroup_form")]
    saved = staff.post(change, fields, files=image)
    assert saved.status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.text, re.S)
    with stack.database() as database:
        vision_after, image_after = database.execute(
            "SELECT vision_es, image FROM groups_workinggroup WHERE id = %s", [lima]
        ).fetchone()
    assert vision_after == typed and image_after.startswith("groups/")
    assert Visitor(stack).get("/media/" + image_after).status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/es/buscar/?q=" + "miner%C3%ADa+" * 1000,  # a search pasted from a whole document
        "/es/" + "a" * 20000,
        "/es/%00/",
    ],
    ids=["long-query", "long-path", "nul-byte"],
)
def test_an_address_nginx_cannot_take_gets_its_page_in_the_visitors_language(stack, path):
    answer = Visitor(stack).get(path)
    assert answer.status in (400, 414), answer.status
    assert '<html lang="es">' in answer.text and "No se pudo entender esta solicitud" in answer.text
    assert "nginx" not in answer.text and "URI Too Long" not in answer.text


@pytest.mark.parametrize(("language", "path"), [("en", "/en/search/"), ("es", "/admin/login/")])
def test_nginx_refuses_a_body_too_large_before_reading_it_in_the_visitors_language(stack, language, path):
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as raw:
        with stack.tls_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: {language}\r\n"
                "Content-Type: application/octet-stream\r\nContent-Length: 10000000000\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    page = body.decode("utf-8", "replace")
    assert f'<html lang="{language}">' in page and "/static/" in page


@pytest.mark.parametrize(("language", "absent"), [("es", "Forbidden"), ("en", "Prohibido")])
def test_a_form_sent_without_its_security_token_gets_a_page_in_the_visitors_language(stack, language, absent):
    answer = Visitor(stack, language=language).post("/admin/login/", [("username", "x"), ("password", "y")])
    assert answer.status == 403
    assert f'<html lang="{language}">' in answer.text and absent not in answer.text
    assert "CSRF verification failed" not in answer.text and 'href="/static/css/site.' in answer.text


def test_nginx_serves_the_static_files_itself_so_its_own_error_pages_keep_their_style(stack):
    visitor = Visitor(stack)
    served_before = len(stack.log_lines("app.log"))
    for page in ("502.es.html", "502.en.html", "413.es.html"):
        html = (stack.directory / "errors" / page).read_text()
        [stylesheet] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
        answer = visitor.get(stylesheet, **{"Accept-Encoding": "gzip"})
        assert answer.status == 200 and answer.headers["content-type"].startswith("text/css"), page
        assert answer.headers["cache-control"] == "public, max-age=315360000, immutable"
        assert answer.headers["content-encoding"] == "gzip"
    # None of it reached the app: it would still be there with the app down (the 502 page's case).
    assert not any(b"/static/" in line for line in stack.log_lines("app.log")[served_before:])
