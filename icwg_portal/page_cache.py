"""Whole public pages for anonymous visitors, kept in the cache until the content changes.

A visitor without a session cookie sees exactly what every other such visitor sees, so their page is stored
once per address and language in the configured cache (local memory on one machine, Redis when CACHE_URL
says so) and served from there. Each stored page carries the **content version** it was rendered under; every
save and delete of content (admin, commands, imports, restores: any model of PAGE_CACHE_CONTENT_APPS) bumps
the version, and a page stored under an older version is never served again. So no visitor sees a page older
than the last edit. Staff (who have a session cookie) always get a fresh, private page: they preview drafts.

The version lives where every worker of the site reads it: in the shared cache, or, when the page cache is
each process's own memory, in a small file-based cache on this machine (the ``content_version`` cache alias,
icwg_portal/settings.py). It is bumped twice per change: at once (so the same transaction reads its own
writes, as the tests do) and again after the commit, because a request that read the new version before the
commit could have rendered and stored the old content under it.

Stored pages are answered before Django's request handling (``StoredPageApplication``, the WSGI application
of icwg_portal/wsgi.py): no signals, no middleware, one cache round trip. With Redis, each worker also
keeps copies of the pages it served lately (``LocalCopies``): that round trip then reads only the version.
The middleware stores pages, sitting outside every middleware that adds headers, so a stored page carries
all of them; it also answers stored pages where the WSGI application is not in front (the test client,
conditional requests it leaves to Django).

Cached answers have no ``Vary: Cookie`` (a CDN may keep them; it must bypass requests carrying the session
cookie, as deploy/nginx does), an ETag and Last-Modified (conditional requests get a 304), a public
Cache-Control (a browser revalidates, a CDN keeps a page one second), and ``X-Accel-Expires`` for nginx's
one-second micro-cache.
"""

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language_from_request

VERSION_KEY = "content-version"
PAGE_KEY_PREFIX = "page:"
# Headers of the rendered answer that are set again for each answer from the cache; the others (type,
# language, X-Frame-Options…) are stored with the page.
ANSWER_HEADERS = {
    "set-cookie",
    "vary",
    "date",
    "expires",
    "cache-control",
    "etag",
    "last-modified",
    "content-length",
}
# Pages stay in the cache this long unless a content change makes them obsolete first; an unvisited address
# (a library filter nobody uses again) leaves the cache by itself.
PAGE_TIMEOUT = 24 * 3600

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    pass


def cache_call(method, *args, **kwargs):
    """A call to the cache that can fail (Redis restarting, a full disk) without failing the request: the
    visitor gets a freshly rendered page, staff's save goes through, and the operators are told."""
    try:
        return method(*args, **kwargs)
    except Exception as error:
        logger.error("The page cache is unavailable (%s: %s)", type(error).__name__, error)
        raise CacheUnavailable from error


def page_cache():
    return caches["default"]


def version_cache():
    return caches["content_version"]


# --- The content version ----------------------------------------------------------------------------------


def new_version():
    return str(time.time_ns())


@functools.cache
def versions_share_the_page_cache():
    # Asked on every request: computed once (and again when a test overrides the settings, below).
    return settings.CACHES["content_version"] == settings.CACHES["default"]


def current_version():
    """The content version every worker agrees on; created on first use (after a flush, say)."""
    store = version_cache()
    version = cache_call(store.get, VERSION_KEY)
    if version is None:
        cache_call(store.add, VERSION_KEY, new_version(), timeout=None)
        version = cache_call(store.get, VERSION_KEY)
    return version


def bump_version():
    """A new content version. If the cache cannot take it, the pages it holds may be out of date until the
    next edit or PAGE_TIMEOUT: logged as an error, so that the operators learn of it."""
    try:
        cache_call(version_cache().set, VERSION_KEY, new_version(), timeout=None)
    except CacheUnavailable:
        pass


def content_changed(using=None):
    """Make every stored page obsolete: now, and once more when the current transaction commits."""
    bump_version()
    # Once per transaction is enough after the commit (a restore saves thousands of records in one).
    pending = getattr(transaction.get_connection(using), "run_on_commit", [])
    if not any(entry[1] is bump_version for entry in pending):
        transaction.on_commit(bump_version, using=using)


def version_time(version):
    return int(version) // 1_000_000_000 if version and version.isdigit() else int(time.time())


def _on_save_or_delete(sender, using=None, **_kwargs):
    content_changed(using)


def _on_m2m_change(sender, action, using=None, **_kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed(using)


def connect_content_signals():
    """Bump the version on every save and delete of a content model (and their many-to-many links)."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in settings.PAGE_CACHE_CONTENT_APPS:
            post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=f"page-cache-save-{model}")
            post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=f"page-cache-del-{model}")
            if model._meta.auto_created:
                m2m_changed.connect(_on_m2m_change, sender=model, dispatch_uid=f"page-cache-m2m-{model}")


class LocalCopies:
    """Each worker's own copies of the pages it served lately, at most ``max_bytes`` of them: a page found
    here under the current version is answered without fetching it again from the shared cache (only the
    version, a few bytes, is read from there), which is most of the cost of an answer from Redis. The least
    recently served pages make room for new ones; a copy under an older version is never answered.

    Not Django's local-memory cache: it bounds entries by count, not bytes (a worker must stay under its
    memory budget whatever the pages weigh), and it pickles every value on each read, the cost saved here."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()  # gthread workers answer from several threads

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry["content"])
        if size > self.max_bytes:
            return
        with self.lock:
            previous = self.pages.pop(key, None)
            if previous is not None:
                self.size -= len(previous["content"])
            self.pages[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _key, oldest = self.pages.popitem(last=False)
                self.size -= len(oldest["content"])


@functools.cache
def local_copies():
    """This worker's copies; made on first use, from the settings in force then."""
    return LocalCopies(settings.PAGE_CACHE_LOCAL_BYTES)


@receiver(setting_changed)
def _forget_derived_settings(setting, **_kwargs):
    if setting in ("CACHES", "PAGE_CACHE_LOCAL_BYTES"):
        versions_share_the_page_cache.cache_clear()
        local_copies.cache_clear()


def stored_entry(key):
    """The current content version, and the page stored under ``key`` if it was rendered under it.

    When the version lives in the page cache (Redis), one round trip: the version alone if this worker holds
    a copy of the page, else the version and the page together (two only when its copy is out of date).
    Otherwise (each process's own memory), the version from its file and the page from memory."""
    if not versions_share_the_page_cache():
        version = current_version()
        entry = cache_call(page_cache().get, key)
        return version, (entry if entry is not None and entry["version"] == version else None)
    copy = local_copies().get(key)
    if copy is not None:
        version = cache_call(page_cache().get, VERSION_KEY)
        if version is not None and copy["version"] == version:
            return version, copy
        entry = cache_call(page_cache().get, key)
    else:
        found = cache_call(page_cache().get_many, [VERSION_KEY, key])
        version, entry = found.get(VERSION_KEY), found.get(key)
    if version is None:
        version = current_version()
    if entry is None or entry["version"] != version:
        return version, None
    local_copies().put(key, entry)
    return version, entry


def store_entry(key, entry):
    """Keep a rendered page for every worker (and a copy in this one)."""
    cache_call(page_cache().set, key, entry, PAGE_TIMEOUT)
    if versions_share_the_page_cache():
        local_copies().put(key, entry)


# --- The middleware -----------------------------------------------------------------------------------------


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors' GET and HEAD requests from the cache; store what they may share."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped_prefixes = tuple(
            "/" + prefix.strip("/") + "/"
            for prefix in (settings.ADMIN_URL, settings.STATIC_URL, settings.MEDIA_URL, "i18n", "language")
        )
        # A browser keeps the page max-age seconds (0: it asks each time, a 304 when unchanged), a CDN one.
        self.cache_control = f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, s-maxage=1"
        self.max_bytes = settings.PAGE_CACHE_MAX_BYTES

    def __call__(self, request):
        if not settings.PAGE_CACHE_ENABLED or not self.may_share(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header("Cache-Control"):
                # A signed-in reader's page may show drafts: never kept by a browser cache or a proxy.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        try:
            key = self.key(request)
        except DisallowedHost:
            return self.get_response(request)
        looked_up = request.META.get(LOOKED_UP)
        if looked_up is not None and looked_up[0] == key:
            # The WSGI application in front found no page for this request: no second round trip (and no
            # second error in the log when the cache is down).
            version, entry = looked_up[1], None
            if version is None:
                return self.get_response(request)
        else:
            try:
                version, entry = stored_entry(key)
            except CacheUnavailable:
                return self.get_response(request)
        if entry is not None:
            return self.answer(request, entry, hit=True)
        response = self.get_response(request)
        # A HEAD answer may be served from a stored GET, never stored: its body can be empty.
        entry = self.entry(response, version) if request.method == "GET" else None
        if entry is None:
            return response
        try:
            store_entry(key, entry)
        except CacheUnavailable:
            pass
        return self.answer(request, entry, hit=False)

    def may_share(self, request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path_info.startswith(self.skipped_prefixes)
        )

    def key(self, request):
        """One entry per address and language (an address without a language prefix, like robots.txt, is
        answered in the visitor's language: part of the key)."""
        address = "|".join(
            (
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                get_language_from_request(request, check_path=True),
            )
        )
        return PAGE_KEY_PREFIX + hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()

    def entry(self, response, version):
        """What is stored of ``response``, or None when it is not for sharing."""
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or len(response.content) > self.max_bytes
        ):
            return None
        cache_control = {
            part.split("=")[0].strip().lower()
            for part in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        if cache_control & {"private", "no-store", "no-cache"}:
            return None
        vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
        # The key covers the language; a page that differs by anything else cannot be shared.
        if vary - {"cookie", "accept-language"}:
            return None
        headers = {name: value for name, value in response.items() if name.lower() not in ANSWER_HEADERS}
        # A view that says how long its answer keeps (robots.txt: a day) is taken at its word.
        own_cache_control = response["Cache-Control"] if "max-age" in cache_control else None
        if "accept-language" in vary:
            headers["Vary"] = "Accept-Language"
        return {
            "version": version,
            "content": response.content,
            "headers": headers,
            "etag": quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest()),
            "last_modified": version_time(version),
            "cache_control": own_cache_control,
        }

    def answer_headers(self, entry, hit):
        """The headers set afresh on every answer of a stored page (the others are stored with it)."""
        return [
            ("ETag", entry["etag"]),
            ("Last-Modified", http_date(entry["last_modified"])),
            ("Cache-Control", entry.get("cache_control") or self.cache_control),
            # nginx may keep the page until the end of the current second (its micro-cache, deploy/nginx),
            # whatever max-age says: an absolute time, as "1" (relative) would let it live up to two seconds.
            ("X-Accel-Expires", f"@{int(time.time())}"),
            ("X-Page-Cache", "hit" if hit else "miss"),
            ("Content-Length", str(len(entry["content"]))),
        ]

    def answer(self, request, entry, hit):
        response = HttpResponse(entry["content"], headers=entry["headers"])
        for name, value in self.answer_headers(entry, hit):
            response[name] = value
        conditional = get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )
        return conditional


# --- Before Django: the WSGI application ------------------------------------------------------------------

# Conditional requests Django's own logic answers (through the middleware): a stored page answers
# If-None-Match and If-Modified-Since here, the only ones browsers send for a page.
CONDITIONS_LEFT_TO_DJANGO = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# What the WSGI application found, for the middleware behind it: (key, version) after a miss, (key, None)
# when the cache was unavailable. Not a header: no client can set it.
LOOKED_UP = "icwg.page_cache.looked_up"


class StoredPageApplication:
    """The site's WSGI application: a stored page is answered before Django handles the request.

    The same rules as the middleware decide which requests may share a stored page, with the same key, read
    from a Django request made of the WSGI environment (host validation included). A hit skips the request
    signals and every middleware: the stored page already carries the headers they add, because the
    middleware that stores pages sits outside them. Anything else (a miss, a session, a cache error) goes to
    Django, and the middleware deals with it, told what was found here (``LOOKED_UP``) so that it does not
    ask the cache again.
    """

    def __init__(self, application):
        self.application = application
        self.rules = AnonymousPageCacheMiddleware(get_response=application)

    def __call__(self, environ, start_response):
        try:
            answer = self.stored_answer(environ) if settings.PAGE_CACHE_ENABLED else None
        except Exception:
            # A request this code did not foresee: Django answers it, and the operators learn of it.
            logger.exception("A stored page could not be looked up; Django answers the request")
            answer = None
        if answer is None:
            return self.application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def stored_answer(self, environ):
        """(status, headers, body) of the stored page for this request, or None to let Django answer."""
        # A copy: Django's request rewrites PATH_INFO in the environment it is given, decoded, and the handler
        # that answers a miss must decode the original.
        request = WSGIRequest(dict(environ))
        if not self.rules.may_share(request) or any(name in environ for name in CONDITIONS_LEFT_TO_DJANGO):
            return None
        try:
            key = self.rules.key(request)
        except DisallowedHost:
            return None  # Django answers the bad host
        try:
            version, entry = stored_entry(key)
        except CacheUnavailable:
            environ[LOOKED_UP] = (key, None)  # logged once, here
            return None
        if entry is None:
            environ[LOOKED_UP] = (key, version)
            return None
        if any(name.startswith("HTTP_IF_") for name in environ):
            # Revalidation (If-None-Match, If-Modified-Since): Django's own rules decide between 200 and 304.
            response = self.rules.answer(request, entry, hit=True)
            status, headers, body = (
                f"{response.status_code} {response.reason_phrase}",
                [*response.items()],
                response.content,
            )
        else:
            status, headers, body = (
                "200 OK",
                [*entry["headers"].items(), *self.rules.answer_headers(entry, hit=True)],
                entry["content"],
            )
        return status, headers, b"" if request.method == "HEAD" else body
