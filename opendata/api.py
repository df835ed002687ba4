"""The portal's public content as a read-only JSON API (/api/v1/), with CSV of every list and a generated
OpenAPI description (/api/v1/openapi.json).

Lists are ordered by last change then id and paginated with cursors that stay valid whatever is added
meanwhile, so a harvester fetches everything once and then only what changed (``updated_since``). Answers
are cached and revalidated like pages (icwg_portal/page_cache.py: ETag, Last-Modified, 304s, a CDN may keep
them a second), open to every origin (CORS, GET only), and limited per address: past the limit a 429 in JSON
says when to ask again. Answers served from the page cache do not count (they cost the server next to
nothing). The records themselves, and what is public, are opendata/records.py.
"""

import base64
import binascii
import csv
import functools
import hashlib
import io
import logging
import math
import os
import re
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.throttling import BaseThrottle

from icwg_portal import page_cache
from opendata import records, schemas

LANGUAGE_CODES = [*records.languages(), records.EVERY_LANGUAGE]
Language = Literal[tuple(LANGUAGE_CODES)]
DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
PAGE_SIZE, MAX_PAGE_SIZE = 50, 100
ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}

logger = logging.getLogger(__name__)


class OpenDataAPI(NinjaAPI):
    def create_response(self, request, data, *args, **kwargs):
        response = super().create_response(request, data, *args, **kwargs)
        return open_to_every_origin(response)


def open_to_every_origin(response):
    # Public data, no credentials: any site's script may read it. No Vary: the same for every origin.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


class PerAddressLimit(BaseThrottle):
    """At most OPEN_DATA_RATE_LIMIT requests per visitor's address in each window (e.g. "120/min"), counted
    in the shared cache. Not django-ninja's own throttles: they keep the request's state on an instance
    shared by a worker's threads. If the cache is down, requests go through: the data is public, and the
    page cache has logged the error."""

    PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}

    @classmethod
    def limit(cls):
        """(requests, seconds) of OPEN_DATA_RATE_LIMIT; ValueError when it cannot be read (checked at start,
        opendata/apps.py)."""
        count, _slash, period = settings.OPEN_DATA_RATE_LIMIT.partition("/")
        if not count.isdigit() or int(count) < 1 or period not in cls.PERIODS:
            raise ValueError(f"OPEN_DATA_RATE_LIMIT {settings.OPEN_DATA_RATE_LIMIT!r} is not like '120/min'")
        return int(count), cls.PERIODS[period]

    def allow_request(self, request):
        if request.user.is_authenticated:
            return True
        count, seconds = self.limit()
        window = int(time.time() // seconds)
        key = f"open-data-limit:{seconds}:{window}:{request.META.get('REMOTE_ADDR', '')}"
        try:
            cache.add(key, 0, timeout=seconds + 1)
            return cache.incr(key) <= count
        except Exception:  # noqa: BLE001 - any cache failure: let the request through (see above)
            return True

    def wait(self):
        """Seconds until the current window ends (from the clock alone: no state between threads)."""
        _count, seconds = self.limit()
        return seconds - time.time() % seconds


api = OpenDataAPI(
    title="ICWG Portal open data",
    version="1",
    description=(
        "The public content of the ICWG Portal (countries, In-Country Working Groups, organizations, "
        "documents and contacts) in Spanish, English or both. Explained, with examples, licence and how to "
        "cite it, on the portal's Open data page."
    ),
    urls_namespace="api",
    docs_url=None,  # the documentation is the portal's own page: no third-party script
    openapi_url=None,  # served below, as every answer: with its charset, open to every origin
    throttle=[PerAddressLimit()],
)


# --- Errors: JSON, in the language asked for --------------------------------------------------------------


def error_language(request):
    asked = request.GET.get("lang")
    return asked if asked in records.languages() else translation.get_language()


def error(request, status, detail, **extra):
    with translation.override(error_language(request)):
        body = {"detail": str(detail()), **extra}
    return api.create_response(request, body, status=status)


# What is wrong with a parameter, by the kind of error pydantic found, said in the client's language.
PROBLEMS = {
    "int_parsing": gettext_lazy("must be a whole number"),
    "int_type": gettext_lazy("must be a whole number"),
    "greater_than_equal": gettext_lazy("must be at least %(ge)s"),
    "less_than_equal": gettext_lazy("must be at most %(le)s"),
    "literal_error": gettext_lazy("must be one of: %(expected)s"),
    "datetime_parsing": gettext_lazy("must be a moment in ISO 8601, such as 2026-01-31T00:00:00Z"),
    "datetime_from_date_parsing": gettext_lazy("must be a moment in ISO 8601, such as 2026-01-31T00:00:00Z"),
}


def problem_of(found):
    """What is wrong, in the active language ("must be at most 100"), from one of pydantic's errors."""
    context = dict(found.get("ctx") or {})
    if "expected" in context:  # "'es', 'en' or 'all'": the choices without pydantic's English "or"
        context["expected"] = ", ".join(re.findall(r"'([^']*)'", str(context["expected"])))
    try:
        return str(PROBLEMS[found["type"]]) % context
    except (KeyError, TypeError, ValueError):
        return _("is not valid")


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    with translation.override(error_language(request)):
        errors = [
            {
                "parameter": ".".join(str(part) for part in found["loc"] if part not in ("query", "path")),
                "type": found["type"],  # pydantic's name for it, for programs
                "problem": problem_of(found),
            }
            for found in exc.errors
        ]
        problems = "; ".join(f"{found['parameter']} {found['problem']}" for found in errors)
        detail = _("These parameters are not valid: %(problems)s.") % {"problems": problems}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(Throttled)
def too_many_requests(request, exc):
    wait = max(1, math.ceil(exc.wait or 1))
    response = error(
        request,
        429,
        lambda: (
            _("Too many requests from your address: ask again in %(seconds)d seconds.") % {"seconds": wait}
        ),
        retry_after=wait,
    )
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, lambda: _("There is no published record with this identifier."))


class ClientMistake(HttpError):
    """A request the API cannot answer, with what to tell the client (a lazy text: translated when sent)."""

    def __init__(self, message):
        super().__init__(400, str(message))
        self.message = message


@api.exception_handler(ClientMistake)
def client_mistake(request, exc):
    return error(request, exc.status_code, lambda: exc.message)


# --- Pages of records -------------------------------------------------------------------------------------


def encode_cursor(row):
    return base64.urlsafe_b64encode(f"{row.updated_at.isoformat()}|{row.pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = text.split("|")
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as problem:
        raise ClientMistake(
            gettext_lazy("This cursor was not given by the portal: start again from the first page.")
        ) from problem


def in_utc(moment):
    """A moment of the request in UTC (one without a time zone is read as UTC)."""
    try:
        return (moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError as problem:  # year 9999 at UTC-23:59, say
        raise ClientMistake(
            gettext_lazy("This moment is outside the calendar the portal keeps.")
        ) from problem


def changed_since(rows, updated_since, cursor=None):
    """``rows`` in page order (last change, then id), from ``updated_since`` and after ``cursor``."""
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=in_utc(updated_since))
    if cursor:
        moment, pk = decode_cursor(cursor)
        moment = in_utc(moment)
        rows = rows.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    return rows.order_by("updated_at", "pk")


def in_language(language):
    return translation.override(records.page_language(language))


def page(request, rows, make_record, language, updated_since, cursor, limit):
    with in_language(language):
        return records_page(request, rows, make_record, language, updated_since, cursor, limit)


def records_page(request, rows, make_record, language, updated_since, cursor, limit):
    found = list(changed_since(rows, updated_since, cursor)[: limit + 1])
    shown = found[:limit]
    following = None
    if len(found) > limit:
        parameters = {**request.GET.dict(), "cursor": encode_cursor(shown[-1])}
        following = request.build_absolute_uri(f"{request.path}?{urlencode(parameters)}")
    return {
        "language": language,
        "next": following,
        "results": [make_record(row, language, request) for row in shown],
    }


def one(request, rows, make_record, language, pk):
    with in_language(language):
        return make_record(get_object_or_404(rows, pk=pk), language, request)


# --- CSV --------------------------------------------------------------------------------------------------

# A cell a spreadsheet would run as a formula starts with one of these: it is written with a quote before.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


class Column:
    def __init__(self, header, read, translated=False):
        self.header, self.read, self.translated = header, read, translated

    def headers(self, language):
        if self.translated and language == records.EVERY_LANGUAGE:
            return [f"{self.header}_{code}" for code in records.languages()]
        return [self.header]

    def cells(self, record, language):
        value = self.read(record)
        if self.translated and language == records.EVERY_LANGUAGE:
            return [cell((value or {}).get(code)) for code in records.languages()]
        return [cell(value)]


def joined(values):
    return "; ".join(str(value) for value in values)


def field(name, translated=False):
    return Column(name, lambda record: record[name], translated)


def csv_response(request, name, rows, make_record, columns, language, updated_since):
    """Every row as CSV (UTF-8, a byte-order mark for spreadsheets, a header row), streamed: memory stays
    bounded however many there are. Its ETag is the content version's: a 304 costs no query. The first
    download under a content version is written to disk as it is sent; the next ones are that file."""
    version = content_version()
    digest = hashlib.sha256(f"{version}|{request.get_full_path()}".encode()).hexdigest()[:32]
    etag = f'"{digest}"' if version else None
    last_modified = page_cache.version_time(version) if version else None
    # Django's own rules for If-None-Match, If-Modified-Since and the rest: a 304 (or 412) before any work.
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if conditional is not None:
        conditional["ETag"] = etag
        return open_to_every_origin(conditional)
    export = Path(settings.OPEN_DATA_EXPORTS_DIR) / f"{version}-{digest}.csv" if version else None
    content_type = "text/csv; charset=utf-8"
    if request.META.get("REQUEST_METHOD") == "HEAD":
        response = HttpResponse(content_type=content_type)  # the headers alone: nothing built for them
    elif export is not None and export.is_file():
        response = FileResponse(export.open("rb"), content_type=content_type)
    else:
        chunks = csv_lines(request, changed_since(rows, updated_since), make_record, columns, language)
        if export is not None:
            chunks = kept_while_sent(chunks, export, version)
        response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="icwg-{name}-{language}.csv"'
    response["Cache-Control"] = "public, max-age=0, s-maxage=1"
    if etag:
        response["ETag"], response["Last-Modified"] = etag, http_date(last_modified)
    return open_to_every_origin(response)


def csv_lines(request, rows, make_record, columns, language):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with in_language(language):
        buffer.write("\ufeff")
        writer.writerow([header for column in columns for header in column.headers(language)])
        for row in rows.iterator(chunk_size=500):
            record = make_record(row, language, request)
            writer.writerow([value for column in columns for value in column.cells(record, language)])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode()


def kept_while_sent(chunks, export, version):
    """``chunks``, also written to ``export``: complete (renamed into place) only once all were sent. A
    download cut short leaves nothing; a disk that refuses costs the copy, never the download."""
    partial = export.with_name(f"{export.name}.{os.getpid()}-{threading.get_ident()}.part")
    file = None
    try:
        export.parent.mkdir(parents=True, exist_ok=True)
        file = partial.open("wb")
    except OSError as problem:
        logger.warning("The CSV export cannot be kept on disk (%s): it is built for each download", problem)
    try:
        for chunk in chunks:
            if file is not None:
                try:
                    file.write(chunk)
                except OSError as problem:
                    logger.warning("The CSV export cannot be kept on disk (%s)", problem)
                    file.close()
                    file = None
            yield chunk
        if file is not None:
            file.close()
            os.replace(partial, export)
            file = None
            forget_other_versions(export.parent, version)
    finally:
        # Now, not whenever the garbage collector gets to it: the rows' server-side cursor is closed before
        # the connection runs another query.
        chunks.close()
        if file is not None:
            file.close()
        partial.unlink(missing_ok=True)


def forget_other_versions(directory, version):
    for old in directory.glob("*.csv"):
        if not old.name.startswith(f"{version}-"):
            old.unlink(missing_ok=True)


def content_version():
    try:
        return page_cache.current_version()
    except page_cache.CacheUnavailable:
        return None


# --- The endpoints ----------------------------------------------------------------------------------------


LANGUAGE_HELP = "The language of the texts, or all of them at once."


class TableQuery(Schema):
    lang: Language = Field(DEFAULT_LANGUAGE, description=LANGUAGE_HELP)
    updated_since: datetime | None = Field(None, description="Only records changed at or after this moment.")


class PageQuery(TableQuery):
    cursor: str | None = Field(None, description="The next page: as given in the previous page's `next`.")
    limit: int = Field(
        PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Records per page, at most {MAX_PAGE_SIZE}."
    )


class InGroup(Schema):
    group: int | None = Field(None, description="Only those of this working group (its id).")


class GroupTableQuery(TableQuery, InGroup):
    pass


class GroupPageQuery(PageQuery, InGroup):
    pass


def endpoints(name, rows, make_record, page_schema, record_schema, columns, group_lookup=None):
    """The list, one record and the CSV of one kind of content; with ``group_lookup`` (the field that leads
    to a record's working group), also those of one group."""
    title = name.capitalize()
    page_query, table_query = (GroupPageQuery, GroupTableQuery) if group_lookup else (PageQuery, TableQuery)

    def rows_for(query):
        group = getattr(query, "group", None)
        return rows().filter(**{group_lookup: group}) if group is not None else rows()

    def listing(request, query: Query[page_query]):
        return page(
            request, rows_for(query), make_record, query.lang, query.updated_since, query.cursor, query.limit
        )

    def table(request, query: Query[table_query]):
        return csv_response(
            request, name, rows_for(query), make_record, columns, query.lang, query.updated_since
        )

    def detail(request, id: int, lang: Language = Query(DEFAULT_LANGUAGE, description=LANGUAGE_HELP)):  # noqa: A002, B008
        return one(request, rows(), make_record, lang, id)

    common = {"tags": [title]}
    api.get(
        f"/{name}/",
        response={200: page_schema, **ERRORS},
        url_name=name,
        operation_id=f"list_{name}",
        summary=f"{title}, a page at a time",
        **common,
    )(listing)
    api.get(
        f"/{name}.csv",
        url_name=f"{name}_csv",
        operation_id=f"{name}_csv",
        summary=f"{title} as CSV (every row)",
        response={200: None, **ERRORS},
        **common,
    )(table)
    api.get(
        f"/{name}/{{id}}/",
        response={200: record_schema, **ERRORS},
        url_name=f"{name}_detail",
        operation_id=f"get_{name}",
        summary=f"One of the {name}",
        **common,
    )(detail)


endpoints(
    "countries",
    records.countries,
    records.country_record,
    schemas.Countries,
    schemas.Country,
    [
        field("id"),
        field("slug"),
        field("iso_code"),
        field("name", translated=True),
        field("vpi_status"),
        field("vpi_status_since"),
        Column("groups", lambda record: joined(group["slug"] for group in record["groups"])),
        field("url", translated=True),
        field("updated_at"),
    ],
)
endpoints(
    "groups",
    records.groups,
    records.group_record,
    schemas.Groups,
    schemas.Group,
    [
        field("id"),
        field("slug"),
        Column("country", lambda record: record["country"]["slug"]),
        field("name", translated=True),
        field("acronym"),
        field("kind"),
        field("location", translated=True),
        field("latitude"),
        field("longitude"),
        field("year_founded"),
        field("founded_by", translated=True),
        Column("members", lambda record: sum(len(pillar["members"]) for pillar in record["pillars"])),
        Column("observers", lambda record: len(record["observers"])),
        field("activities_total"),
        field("vision", translated=True),
        field("url", translated=True),
        field("updated_at"),
    ],
)
endpoints(
    "organizations",
    records.organizations,
    records.organization_record,
    schemas.Organizations,
    schemas.Organization,
    [
        field("id"),
        field("name", translated=True),
        field("acronym"),
        field("kind"),
        field("website"),
        field("updated_at"),
    ],
)
endpoints(
    "documents",
    records.documents,
    records.document_record,
    schemas.Documents,
    schemas.Document,
    [
        field("id"),
        field("slug"),
        field("title", translated=True),
        Column("type", lambda record: record["type"]["slug"]),
        field("language"),
        field("publication_date"),
        Column("publisher", lambda record: (record["publisher"] or {}).get("name"), translated=True),
        Column("groups", lambda record: joined(group["slug"] for group in record["groups"])),
        Column(
            "files", lambda record: joined(f"{file['language']}:{file['format']}" for file in record["files"])
        ),
        field("url", translated=True),
        field("updated_at"),
    ],
    group_lookup="groups",
)
endpoints(
    "contacts",
    records.contacts,
    records.contact_record,
    schemas.Contacts,
    schemas.Contact,
    [
        field("id"),
        Column("group", lambda record: record["group"]["slug"]),
        field("person"),
        field("role"),
        Column("organization", lambda record: (record["organization"] or {}).get("name"), translated=True),
        Column("emails", lambda record: joined(f"{e['user']} [at] {e['domain']}" for e in record["emails"])),
        field("phone"),
        field("updated_at"),
    ],
    group_lookup="group",
)


@api.get("/", summary="Where everything is", tags=["Index"], operation_id="index")
def index(request):
    names = ["countries", "groups", "organizations", "documents", "contacts"]
    links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in names}
    links["openapi"] = request.build_absolute_uri(reverse("api:openapi-json"))
    with translation.override(DEFAULT_LANGUAGE):
        links["documentation"] = request.build_absolute_uri(reverse("opendata:page"))
    return links


@api.get("/openapi.json", include_in_schema=False, url_name="openapi-json")
def openapi_description(request):
    return api.get_openapi_schema()


@api.get("/{path:address}", include_in_schema=False, operation_id="unknown")
def unknown(request, address: str):
    """Any other address under the API: a JSON 404 a program can read, not the site's page."""
    index = request.build_absolute_uri(reverse("api:index"))
    return error(
        request,
        404,
        lambda: _("The API has nothing at this address: its index is %(index)s") % {"index": index},
    )


def get_or_head(view):
    """A HEAD is answered as the GET would be (the server sends no body): a harvester may ask for the
    headers alone. Not a second operation per address, which the OpenAPI description would list twice."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return answer


def urls():
    """The API's addresses, for icwg_portal/urls.py."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = get_or_head(pattern.callback)
    return patterns, app_name, namespace
