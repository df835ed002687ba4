"""A small HTTPS client for the stack: cookies, CSRF, forms, multipart, and a chosen loopback address."""

import http.client
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.admin_pages import form_fields


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def form(self, form_id):
        return form_fields(self.text, form_id)


class Visitor:
    """One browser: its own cookies, speaking from ``address`` (Linux accepts any 127.x source address)."""

    def __init__(self, stack, address="127.0.0.1", language="es-PE,es;q=0.9", headers=None):
        self.stack, self.address, self.language = stack, address, language
        self.extra_headers = headers or {}
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.stack.port,
            context=self.stack.tls_context(),
            source_address=(self.address, 0),
            timeout=30,
        )
        sent = {
            "Accept-Language": self.language,
            "User-Agent": "icwg-stack-tests",
            **self.extra_headers,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            sent.setdefault("Origin", self.stack.url)
            sent.setdefault("Referer", self.stack.url + path)
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _rest = value.partition(";")
                key, _, cookie_value = cookie.partition("=")
                self.cookies[key.strip()] = cookie_value
        connection.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, content)

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path, fields, files=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})

    def sign_in(self, username, password):
        login = self.get("/admin/login/?next=/admin/")
        token = dict(login.form("login-form"))["csrfmiddlewaretoken"]
        return self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
        )


def multipart(fields, files):
    """``fields`` as (name, value) pairs, ``files`` as {name: (filename, content_type, bytes)}."""
    boundary = "----icwg" + secrets.token_hex(8)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def image_sources(html):
    return re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)
