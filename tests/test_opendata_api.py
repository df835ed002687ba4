"""The open data (opendata/): the JSON API against its own generated OpenAPI description, languages and
fallbacks, cursors and updated_since, only published content, caching, CSV, CORS, the rate limit, and the
page that explains it all."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.db import close_old_connections
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from groups.models import WorkingGroup
from tests import factories

KINDS = ["countries", "groups", "organizations", "documents", "contacts"]


def get_json(client, path, status=200, **headers):
    answer = client.get(path, headers=headers)
    assert answer.status_code == status, answer.content[:500]
    assert answer["Content-Type"].startswith("application/json")
    return answer.json()


def every_page(client, path):
    """Every record of a list, following ``next`` to the end; the pages' addresses too."""
    found, addresses = [], []
    while path:
        addresses.append(path)
        page = get_json(client, path)
        found.extend(page["results"])
        path = page["next"]
    return found, addresses


def read_csv(answer):
    body = b"".join(answer.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, for spreadsheets to read UTF-8"
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


# --- The schema, and every endpoint against it -------------------------------------------------------------


@pytest.fixture
def openapi(db):
    return get_json(Client(), "/api/v1/openapi.json")


def test_the_openapi_description_is_valid_and_names_every_endpoint(openapi):
    validate_spec(openapi)
    for kind in KINDS:
        assert {f"/api/v1/{kind}/", f"/api/v1/{kind}/{{id}}/", f"/api/v1/{kind}.csv"} <= set(openapi["paths"])


def answer_schema(openapi, path):
    reference = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return OAS31Validator({**reference, "components": openapi["components"]})


@pytest.mark.parametrize("language", ["es", "en", "all"])
def test_every_list_and_record_has_the_shape_its_description_says(
    client, sample_site, cusco, openapi, language
):
    factories.make_contact(group=cusco, organization=factories.make_organization())
    for kind in KINDS:
        page = get_json(client, f"/api/v1/{kind}/?lang={language}&limit=5")
        assert page["results"], kind
        answer_schema(openapi, f"/api/v1/{kind}/").validate(page)
        assert page["language"] == language
        record = get_json(client, f"/api/v1/{kind}/{page['results'][0]['id']}/?lang={language}")
        answer_schema(openapi, f"/api/v1/{kind}/{{id}}/").validate(record)
        assert record == page["results"][0]


def test_a_documents_files_say_their_size_pages_checksum_and_where_to_download(client, sample_site):
    document = get_json(client, f"/api/v1/documents/{sample_site.document.pk}/")
    file = document["files"][0]
    stored = sample_site.document.files.get(language=file["language"])
    assert (file["size"], file["pages"], file["sha256"]) == (stored.size, stored.page_count, stored.sha256)
    download = client.get(file["download_url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"


# --- Languages and fallbacks --------------------------------------------------------------------------------


def test_each_language_alone_or_all_at_once_with_fallbacks_marked(client, cusco):
    cusco.vision_en = ""
    cusco.save()
    spanish = get_json(client, f"/api/v1/groups/{cusco.pk}/?lang=es")
    english = get_json(client, f"/api/v1/groups/{cusco.pk}/?lang=en")
    both = get_json(client, f"/api/v1/groups/{cusco.pk}/?lang=all")

    assert spanish["name"] == cusco.name_es and english["name"] == cusco.name_en != cusco.name_es
    assert spanish["url"].endswith("/es/paises/peru/cusco/") and english["url"].endswith(
        "/en/countries/peru/cusco/"
    )
    # The English vision is not written: the Spanish one is shown, and said to be.
    assert english["vision"] == cusco.vision_es and english["fallbacks"]["vision"] == "es"
    assert "vision" not in spanish["fallbacks"]
    assert both["vision"] == {"es": cusco.vision_es, "en": ""} and both["fallbacks"] == {}
    assert both["name"] == {"es": cusco.name_es, "en": cusco.name_en}


def test_the_language_by_default_is_spanish_and_an_unknown_one_is_a_clear_error(client, cusco):
    assert get_json(client, f"/api/v1/groups/{cusco.pk}/")["name"] == cusco.name_es
    refused = get_json(client, "/api/v1/groups/?lang=xx", status=400)
    assert "lang" in refused["detail"] and refused["errors"][0]["parameter"] == "lang"


def test_errors_are_json_in_the_language_asked_for(client, cusco):
    assert get_json(client, "/api/v1/groups/?lang=es&limit=0", status=400)["detail"].startswith(
        "Estos parámetros no son válidos"
    )
    assert get_json(client, "/api/v1/groups/?lang=en&limit=1000", status=400)["detail"].startswith(
        "These parameters are not valid"
    )
    assert get_json(client, "/api/v1/groups/999999/?lang=es", status=404)["detail"].startswith("No hay")
    for cursor in ("not-a-cursor", "%00", "A" * 5000, "MjAyNnwx"):
        refused = get_json(client, f"/api/v1/groups/?lang=en&cursor={cursor}", status=400)
        assert "cursor" in refused["detail"]


# --- Pages and changes --------------------------------------------------------------------------------------


def test_cursors_walk_every_record_once_even_when_one_changes_meanwhile(client, cusco):
    for _ in range(6):
        factories.make_group(country=cusco.country)
    published = set(WorkingGroup.objects.published().values_list("pk", flat=True))

    first = get_json(client, "/api/v1/groups/?limit=3")
    assert len(first["results"]) == 3 and first["next"]
    # A record of the first page is edited before the next page is read: it comes again, later, not lost.
    edited = WorkingGroup.objects.get(pk=first["results"][0]["id"])
    edited.vision_es = "Editada durante la cosecha."
    edited.save()
    rest, _addresses = every_page(client, first["next"].removeprefix("http://testserver"))
    ids = [record["id"] for record in first["results"] + rest]
    assert set(ids) == published and ids.count(edited.pk) == 2 and len(ids) == len(published) + 1
    assert rest[-1]["id"] == edited.pk and rest[-1]["vision"] == "Editada durante la cosecha."


def test_updated_since_returns_only_what_changed_including_a_groups_parts(client, cusco, lima):
    since = timezone.now()
    assert (
        get_json(client, f"/api/v1/groups/?updated_since={since.isoformat().replace('+00:00', 'Z')}")[
            "results"
        ]
        == []
    )
    factories.make_activity(group=cusco, title_es="Taller nuevo")
    page = get_json(client, f"/api/v1/groups/?updated_since={since.isoformat().replace('+00:00', 'Z')}")
    assert [record["id"] for record in page["results"]] == [cusco.pk]
    assert "Taller nuevo" in [activity["title"] for activity in page["results"][0]["activities"]]
    # A moment without a time zone is read as UTC; one that is not a moment is refused.
    naive = (since - timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert len(get_json(client, f"/api/v1/groups/?updated_since={naive}")["results"]) == 2
    assert get_json(client, "/api/v1/groups/?updated_since=yesterday", status=400)["errors"]


def test_a_documents_file_change_moves_the_document_in_the_changes(sample_site):
    document = sample_site.document
    before = document.updated_at
    file = document.files.first()
    file.note = "Versión corregida"
    file.save()
    document.refresh_from_db()
    assert document.updated_at > before


# --- Only published content, ever ---------------------------------------------------------------------------


def test_drafts_private_contacts_and_private_members_never_appear(client, cusco):
    country_of_drafts = factories.make_country()
    draft = factories.make_group(country=country_of_drafts, status="draft")
    hidden_member = factories.make_organization(name_es="Solo en un borrador")
    factories.make_membership(group=draft, organization=hidden_member)
    private_member = factories.make_organization(name_es="Miembro reservado")
    factories.make_membership(group=cusco, organization=private_member, is_public=False)
    draft_document = factories.make_document(groups=[cusco], status="draft")
    shown_document = factories.make_document(groups=[cusco, draft])
    private_contact = factories.make_contact(group=cusco, is_public=False)
    draft_contact = factories.make_contact(group=draft)

    def ids(kind):
        return {record["id"] for record in every_page(client, f"/api/v1/{kind}/?lang=all")[0]}

    assert draft.pk not in ids("groups") and country_of_drafts.pk not in ids("countries")
    assert {hidden_member.pk, private_member.pk}.isdisjoint(ids("organizations"))
    assert draft_document.pk not in ids("documents") and shown_document.pk in ids("documents")
    assert {private_contact.pk, draft_contact.pk}.isdisjoint(ids("contacts"))
    # A published document of a draft group and a published one: only the published group is named.
    record = get_json(client, f"/api/v1/documents/{shown_document.pk}/")
    assert [group["id"] for group in record["groups"]] == [cusco.pk]
    for kind, pk in [
        ("groups", draft.pk),
        ("documents", draft_document.pk),
        ("contacts", private_contact.pk),
    ]:
        get_json(client, f"/api/v1/{kind}/{pk}/", status=404)
        rows = read_csv(client.get(f"/api/v1/{kind}.csv"))
        assert str(pk) not in {row["id"] for row in rows}


def test_contacts_addresses_come_as_the_site_shows_them(client, cusco):
    contact = factories.make_contact(group=cusco, emails="ana.quispe@example.org")
    record = get_json(client, f"/api/v1/contacts/{contact.pk}/")
    assert record["emails"][0]["user"] == "ana.quispe" and record["emails"][0]["domain"] == "example.org"
    assert "ana.quispe@example.org" not in client.get(f"/api/v1/contacts/{contact.pk}/").content.decode()
    opened = client.get(record["emails"][0]["url"].removeprefix("http://testserver"))
    assert opened["Location"] == "mailto:ana.quispe@example.org"


# --- Caching, CORS, the rate limit --------------------------------------------------------------------------


def test_answers_are_cacheable_open_to_every_origin_and_revalidate_to_304s(client, cusco):
    answer = client.get("/api/v1/groups/")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "s-maxage=1" in answer["Cache-Control"] and "Cookie" not in answer.get("Vary", "")
    assert client.get("/api/v1/groups/", headers={"If-None-Match": answer["ETag"]}).status_code == 304
    cusco.vision_es = "Otra visión."
    cusco.save()
    assert client.get("/api/v1/groups/", headers={"If-None-Match": answer["ETag"]}).status_code == 200

    table = client.get("/api/v1/groups.csv")
    assert table["Access-Control-Allow-Origin"] == "*" and table["ETag"]
    assert client.get("/api/v1/groups.csv", headers={"If-None-Match": table["ETag"]}).status_code == 304


def test_past_the_limit_an_address_gets_a_429_in_json_that_says_when_to_retry(cusco, settings):
    settings.OPEN_DATA_RATE_LIMIT = "3/min"
    visitor, neighbour = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="198.51.100.8")
    # Each a different address, so that none is an answer from the page cache (those do not count).
    for number in range(3):
        assert visitor.get(f"/api/v1/groups/?limit={number + 1}").status_code == 200
    refused = visitor.get("/api/v1/groups/?limit=9&lang=es")
    assert refused.status_code == 429 and refused["Content-Type"].startswith("application/json")
    wait = refused.json()["retry_after"]
    assert 1 <= wait <= 60 and refused["Retry-After"] == str(wait)
    assert "Demasiadas solicitudes" in refused.json()["detail"]
    assert neighbour.get("/api/v1/groups/?limit=9").status_code == 200  # another address is not affected


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_has_a_header_row_one_row_per_record_and_both_languages_in_columns(client, cusco, lima):
    rows = read_csv(client.get("/api/v1/groups.csv?lang=all"))
    assert {row["slug"] for row in rows} == {"cusco", "lima"}
    cusco_row = next(row for row in rows if row["slug"] == "cusco")
    assert cusco_row["name_es"] == cusco.name_es and cusco_row["name_en"] == cusco.name_en
    assert cusco_row["country"] == "peru" and cusco_row["url_en"].endswith("/en/countries/peru/cusco/")
    answer = client.get("/api/v1/groups.csv?lang=en")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="icwg-groups-en.csv"' in answer["Content-Disposition"]
    assert {row["name"] for row in read_csv(answer)} == {cusco.name_en, lima.name_en}


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(client, cusco):
    factories.make_organization(name_es='=HYPERLINK("http://evil.example","Haga clic")', acronym="+X")
    factories.make_membership(group=cusco, organization=factories.make_organization(name_es="@SUM(A1)"))
    rows = read_csv(client.get("/api/v1/organizations.csv"))
    names = {row["name"] for row in rows}
    assert "'@SUM(A1)" in names and not any(re.match(r"[=+@-]", name) for name in names)


# --- The page that explains it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("home", "title", "licence"),
    [("/es/", "Datos abiertos", "Licencia"), ("/en/", "Open data", "Licence")],
)
def test_the_open_data_page_is_reached_from_the_home_page_in_both_languages(
    client, cusco, home, title, licence
):
    footer_link = re.search(rf'<a href="([^"]+)">{title}</a>', client.get(home).content.decode())
    assert footer_link, "the footer links the open data page"
    page = client.get(footer_link.group(1))
    text = page.content.decode()
    assert page.status_code == 200 and f"<h1>{title}</h1>" in text and licence in text
    # Live examples: addresses that answer, and a record of this portal's own content.
    for address in re.findall(r'href="(/api/v1/[^"]+)"', text):
        assert client.get(address.replace("&amp;", "&")).status_code == 200, address
    assert "Perú" in text or "Peru" in text


def test_a_full_csv_is_built_once_per_content_version_then_served_as_a_file(
    client, cusco, lima, settings, tmp_path, django_assert_num_queries
):
    settings.OPEN_DATA_EXPORTS_DIR = tmp_path
    first = b"".join(client.get("/api/v1/groups.csv").streaming_content)
    assert [path.suffix for path in tmp_path.iterdir()] == [".csv"]
    with django_assert_num_queries(0):
        again = b"".join(client.get("/api/v1/groups.csv").streaming_content)
    assert again == first

    cusco.name_es = "Grupo de Cusco, renombrado"
    cusco.save()
    renamed = b"".join(client.get("/api/v1/groups.csv").streaming_content).decode()
    assert "Grupo de Cusco, renombrado" in renamed
    assert len(list(tmp_path.glob("*.csv"))) == 1, "the export of the older version is gone"


def test_a_csv_download_cut_short_leaves_no_export_behind(client, sample_site, settings, tmp_path):
    exports = settings.OPEN_DATA_EXPORTS_DIR = tmp_path / "exports"
    # The view itself, not through the test client, whose own closing of a streamed answer would close the
    # test's database connection.
    request = RequestFactory().get("/api/v1/documents.csv?lang=all")
    request.user = AnonymousUser()
    answer = resolve(request.path).func(request)
    next(iter(answer.streaming_content))
    # The visitor went away after the first chunk: the server closes the answer.
    signals.request_finished.disconnect(close_old_connections)
    try:
        answer.close()
    finally:
        signals.request_finished.connect(close_old_connections)
    assert list(exports.iterdir()) == []
    assert b"".join(client.get("/api/v1/documents.csv?lang=all").streaming_content).count(b"\n") > 10


def test_out_of_range_moments_and_identifiers_are_clear_errors(client, cusco):
    assert (
        "calendario"
        in get_json(client, "/api/v1/groups/?lang=es&updated_since=9999-12-31T23:59:59-23:59", status=400)[
            "detail"
        ]
    )
    get_json(client, "/api/v1/groups/99999999999999999999/", status=404)
    assert "índice" in get_json(client, "/api/v1/no-such-list/?lang=es", status=404)["detail"]
    assert get_json(client, "/api/v1/documents/?group=99999999999999999999")["results"] == []


def test_a_head_gets_the_headers_alone_and_builds_no_csv(client, cusco, django_assert_max_num_queries):
    answer = client.head("/api/v1/groups/")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    with django_assert_max_num_queries(0):
        table = client.head("/api/v1/groups.csv")
    assert table.status_code == 200 and table["ETag"] and table.content == b""


def test_a_group_with_very_many_activities_gives_its_latest_and_how_many_in_all(client, cusco):
    from groups.models import Activity

    Activity.objects.bulk_create(
        Activity(group=cusco, title_es=f"Reunión {n}", title_en=f"Meeting {n}", order=100 + n)
        for n in range(120)
    )
    record = get_json(client, f"/api/v1/groups/{cusco.pk}/")
    assert len(record["activities"]) == 100
    assert record["activities_total"] == cusco.activities.count() > 100
    row = next(row for row in read_csv(client.get("/api/v1/groups.csv")) if row["slug"] == "cusco")
    assert row["activities_total"] == str(record["activities_total"])


@pytest.mark.parametrize("limit", ["120/minute", "0/min", "many/min", "120"])
def test_a_rate_limit_the_api_cannot_read_stops_the_start(settings, limit):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.OPEN_DATA_RATE_LIMIT = limit
    with pytest.raises(SystemCheckError, match="OPEN_DATA_RATE_LIMIT"):
        call_command("check")
    settings.OPEN_DATA_RATE_LIMIT = "2000/hour"
    call_command("check")
