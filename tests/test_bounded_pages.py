"""Pages stay the same size and cost the same queries however much content the portal holds.

A group with 200 documents and 60 activities, 600 contacts, a country with 35 groups, 1,200 documents in the
sitemap: made with bulk_create to stay fast. Counts and bytes are asserted, never timings.
"""

import math
import re
from datetime import date, timedelta

import pytest
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.test import RequestFactory
from django.urls import translate_url
from django.utils import timezone, translation

from contacts import views as contact_views
from contacts.models import Contact
from documents.models import Document, DocumentFile, DocumentType
from groups import views as group_views
from groups.models import LATEST_ON_GROUP_PAGE, Activity, WorkingGroup
from icwg_portal.urls import sitemaps as sitemap_sections
from tests.test_spanish_pages import SAME_IN_BOTH, content_values, is_content, visible_texts

pytestmark = pytest.mark.django_db

# The Cusco page weighs 10.7 KB with the Peru content, 16.9 KB with its latest 10 of 200 more documents (each
# with a file) and 10 of 60 more activities; when it showed them all, about 150 KB.
GROUP_PAGE_MAX_BYTES = 20_000
GENERATED_GROUP_PAGE_MAX_BYTES = 30_000
# Page numbers as links, hands and robots write them: each gets the first or the last page, or a 404.
ODD_PAGE_NUMBERS = ["abc", "0", "-1", "1.5", "²", "١", "1" * 5000, "99999999999999999999", "", "%20"]


@pytest.fixture(autouse=True)
def pages_rendered_each_time(settings):
    # bulk_create sends no signals: the page cache (icwg_portal/page_cache.py) would not know of the new rows.
    settings.PAGE_CACHE_ENABLED = False


def html(response):
    return response.content.decode()


@pytest.fixture
def peru(peru_content):
    return peru_content


@pytest.fixture
def cusco(peru):
    return WorkingGroup.objects.get(slug="cusco")


def add_documents(count, groups=(), prefix="extenso", first_day=date(2025, 1, 1), with_files=True):
    """``count`` published documents, one day apart (the last the newest), each with a PDF when asked."""
    document_type = DocumentType.objects.first()
    with translation.override("es"):
        documents = Document.objects.bulk_create(
            Document(
                title_es=f"Documento {prefix} {number}",
                title_en=f"Document {prefix} {number}",
                slug=f"{prefix}-{number}",
                document_type=document_type,
                status="published",
                publication_date=first_day + timedelta(days=number),
            )
            for number in range(count)
        )
    through = Document.groups.through
    through.objects.bulk_create(
        through(document=document, workinggroup=group) for document in documents for group in groups
    )
    if with_files:
        DocumentFile.objects.bulk_create(
            DocumentFile(
                document=document,
                language="es",
                file=f"documents/{document.slug}.pdf",
                original_filename=f"{document.slug}.pdf",
                format="pdf",
                mime_type="application/pdf",
                size=2_400_000,
                sha256="0" * 64,
                page_count=48,
            )
            for document in documents
        )
    return documents


def add_activities(group, count):
    with translation.override("es"):
        Activity.objects.bulk_create(
            Activity(
                group=group,
                title_es=f"Actividad reciente {number}",
                title_en=f"Recent activity {number}",
                description_es="Descripción de la actividad.",
                description_en="Description of the activity.",
                start_date=date(2024, 1, 1) + timedelta(days=number),
                order=100 + number,
            )
            for number in range(count)
        )


def add_groups(country, count, prefix="grupo"):
    with translation.override("es"):
        return WorkingGroup.objects.bulk_create(
            WorkingGroup(
                country=country,
                name_es=f"Grupo {prefix} {number:02}",
                name_en=f"Group {prefix} {number:02}",
                slug=f"{prefix}-{number}",
                location_es=f"Ciudad {number}",
                location_en=f"City {number}",
                latitude=-10,
                longitude=-75,
                status="published",
                order=10 + number,
            )
            for number in range(count)
        )


@pytest.fixture
def big_cusco(cusco):
    """Cusco with 200 more documents (the newest ones) and 60 more activities (the latest ones)."""
    add_documents(200, groups=[cusco])
    add_activities(cusco, 60)
    return cusco


# --- The group page -----------------------------------------------------------------------------------------


class TestGroupPage:
    def test_the_same_queries_at_any_size_and_a_bounded_page(self, client, cusco, django_assert_num_queries):
        url = cusco.get_absolute_url()
        with django_assert_num_queries(8):
            small = client.get(url)
        add_documents(200, groups=[cusco])
        add_activities(cusco, 60)
        with django_assert_num_queries(8):
            large = client.get(url)
        assert small.status_code == large.status_code == 200
        assert len(large.content) < GROUP_PAGE_MAX_BYTES, len(large.content)
        page = html(large)
        assert page.count('<li class="document-item">') == LATEST_ON_GROUP_PAGE
        assert page.count('<span class="activity-title">') == LATEST_ON_GROUP_PAGE

    def test_shows_the_latest_documents_and_links_to_all_of_them_in_the_library(self, client, big_cusco):
        page = html(client.get(big_cusco.get_absolute_url()))
        newest = [f"Document extenso {number}<" for number in range(190, 200)]
        assert all(title in page for title in newest)
        assert "Document extenso 189<" not in page
        total = Document.objects.published().for_group(big_cusco).count()
        assert total > 200
        link = f'<a href="/en/documents/?group={big_cusco.pk}">See all {total} documents of this group'
        assert link in page
        library = html(client.get(f"/en/documents/?group={big_cusco.pk}"))
        assert f"{total} documents match:" in library

    def test_shows_the_latest_activities_and_links_to_the_pages_of_all_of_them(self, client, big_cusco):
        page = html(client.get(big_cusco.get_absolute_url()))
        assert "Recent activity 59<" in page and "Recent activity 49<" not in page
        total = big_cusco.activities.count()
        url = f"{big_cusco.get_absolute_url()}activities/"
        assert f'<a href="{url}">See all {total} activities of this group</a>' in page
        first = html(client.get(url))
        assert first.count('<span class="activity-title">') == group_views.ACTIVITY_PAGE_SIZE
        assert f"{total} activities, the most recent first." in first
        assert 'rel="next"' in first and 'rel="prev"' not in first
        last_number = math.ceil(total / group_views.ACTIVITY_PAGE_SIZE)
        last = html(client.get(f"{url}?page={last_number}"))
        assert 'rel="prev"' in last and 'rel="next"' not in last
        assert last.count('<span class="activity-title">') == total - (last_number - 1) * 20

    def test_a_small_group_has_no_links_to_more(self, client, cusco):
        page = html(client.get(cusco.get_absolute_url()))
        assert "See all" not in page

    def test_a_draft_group_does_not_link_to_a_library_filter_that_ignores_it(
        self, big_cusco, superuser_client
    ):
        WorkingGroup.objects.filter(pk=big_cusco.pk).update(status="draft")
        page = html(superuser_client.get(big_cusco.get_absolute_url()))
        assert page.count('<li class="document-item">') == LATEST_ON_GROUP_PAGE
        assert "documents of this group in the library" not in page
        assert superuser_client.get(f"{big_cusco.get_absolute_url()}activities/").status_code == 200

    def test_the_activities_of_a_draft_are_not_shown_to_visitors(self, client, big_cusco):
        WorkingGroup.objects.filter(pk=big_cusco.pk).update(status="draft")
        assert client.get(f"{big_cusco.get_absolute_url()}activities/").status_code == 404


# --- Lists cut into pages -----------------------------------------------------------------------------------


@pytest.fixture
def many_contacts(peru):
    groups = add_groups(peru, 20, prefix="contactos")
    Contact.objects.bulk_create(
        Contact(
            group=groups[number % len(groups)], person=f"Persona {number:03}", emails=f"p{number}@example.org"
        )
        for number in range(600)
    )
    return Contact.objects.public().count()


class TestContacts:
    def test_come_in_pages_of_a_fixed_size_and_cost_two_queries(
        self, client, many_contacts, django_assert_num_queries
    ):
        with django_assert_num_queries(2):
            first = client.get("/en/contacts/")
        size = contact_views.PAGE_SIZE
        pages = math.ceil(many_contacts / size)
        assert html(first).count('<li class="contact-card">') == size
        assert f"Page 1 of {pages}" in html(first)
        assert '<nav class="pagination" aria-label="Pages">' in html(first)
        assert '<a href="?page=2" rel="next">Next</a>' in html(first)
        second = client.get("/en/contacts/?page=2")
        assert second.status_code == 200 and html(second).count('<li class="contact-card">') == size
        assert '<a href="?page=1" rel="prev">Previous</a>' in html(second)
        assert f"<title>Contacts · Page 2 of {pages} · ICWG Portal</title>" in html(second)
        last = html(client.get(f"/en/contacts/?page={pages}"))
        assert last.count('<li class="contact-card">') == many_contacts - (pages - 1) * size
        assert 'rel="next"' not in last

    def test_every_contact_is_on_one_page(self, client, many_contacts):
        seen = []
        for number in range(1, math.ceil(many_contacts / contact_views.PAGE_SIZE) + 1):
            seen += re.findall(
                r'<p class="contact-name"><strong>([^<]+)</strong>',
                html(client.get(f"/en/contacts/?page={number}")),
            )
        assert len(seen) == len(set(seen)) == many_contacts


class TestCountryAndHomePages:
    def test_a_country_with_many_groups_lists_them_in_pages_and_draws_those_of_the_page(self, client, peru):
        add_groups(peru, 33)
        first = html(client.get("/en/countries/peru/"))
        assert "35 working groups" in first
        assert first.count('<li class="card">') == group_views.COUNTRY_PAGE_SIZE
        assert first.count("<circle") == group_views.COUNTRY_PAGE_SIZE
        second = html(client.get("/en/countries/peru/?page=2"))
        assert second.count('<li class="card">') == 5 and "35 working groups" in second
        assert '<a href="?page=1" rel="prev">Previous</a>' in second

    def test_the_home_page_shows_a_few_groups_per_country_and_links_to_the_rest(
        self, client, peru, django_assert_num_queries
    ):
        add_groups(peru, 10)
        with django_assert_num_queries(2):
            page = html(client.get("/en/"))
        groups = page.split('<ul class="group-list">', 1)[1].split("</ul>", 1)[0]
        assert groups.count("<li>") == group_views.HOME_GROUPS_PER_COUNTRY
        assert '<a href="/en/countries/peru/">See all 12 working groups in Peru</a>' in page
        spanish = html(client.get("/es/"))
        assert '<a href="/es/paises/peru/">Ver los 12 grupos de trabajo en Perú</a>' in spanish

    def test_the_about_page_counts_the_groups_without_loading_them(
        self, client, peru, django_assert_num_queries
    ):
        add_groups(peru, 10)
        with django_assert_num_queries(1):
            page = html(client.get("/en/about/"))
        assert "Peru</a>: 12 working groups" in page


def test_odd_page_numbers_get_a_page_never_an_error(client, big_cusco, many_contacts):
    paths = ["/en/contacts/", "/es/contactos/", f"{big_cusco.get_absolute_url()}activities/"]
    for path in [*paths, "/en/countries/peru/"]:
        for number in ODD_PAGE_NUMBERS:
            assert client.get(path, {"page": number}).status_code == 200, (path, number)
    for path in paths:
        # Not a number: the first page; a number past the end: the last.
        first, last = (html(client.get(path, {"page": number})) for number in ("abc", "99999999999999999999"))
        assert 'rel="next"' in first and 'rel="prev"' not in first, path
        assert 'rel="prev"' in last and 'rel="next"' not in last, path


# --- Only the columns a list shows --------------------------------------------------------------------------

LONG_COLUMNS = [
    '"groups_country"."outline"',
    '"groups_country"."introduction_es"',
    '"documents_document"."summary_es"',
    '"documents_documentfile"."text"',
    '"groups_workinggroup"."overview_es"',
]


# What each page may load of the long columns: the group's own texts on its page, the country's outline and
# introduction for its own page, the document's summary on its page; no list loads any.
LONG_COLUMNS_SHOWN = {
    "/en/": [],
    "/en/about/": [],
    "/en/contacts/": [],
    "/en/documents/": [],
    "/en/documents/mapeo-de-actores-cusco/": ['"documents_document"."summary_es"'],
    "/en/countries/peru/": ['"groups_country"."outline"', '"groups_country"."introduction_es"'],
    "/en/countries/peru/cusco/": ['"groups_workinggroup"."overview_es"'],
    "/en/countries/peru/cusco/activities/": [],
}


def test_lists_leave_the_long_columns_they_do_not_show(client, big_cusco, django_assert_max_num_queries):
    for path, shown in LONG_COLUMNS_SHOWN.items():
        with django_assert_max_num_queries(10) as captured:
            assert client.get(path).status_code == 200
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        assert {column for column in LONG_COLUMNS if column in sql} == set(shown), path


def test_the_country_outline_is_read_only_for_the_country_page(
    client, big_cusco, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3) as captured:
        client.get("/en/countries/peru/")
    with_outline = [
        query["sql"] for query in captured.captured_queries if '"groups_country"."outline"' in query["sql"]
    ]
    assert len(with_outline) == 1 and with_outline[0].startswith('SELECT "groups_country"."id"')


# --- The sitemap --------------------------------------------------------------------------------------------

URL_ENTRY = re.compile(r"<url>(.*?)</url>", re.S)


def entries(xml):
    """Each <url> of a sitemap page: its address, last change and alternates in each language."""
    found = set()
    for body in URL_ENTRY.findall(xml):
        location = re.search(r"<loc>([^<]+)</loc>", body).group(1)
        lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", body)
        alternates = tuple(sorted(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', body)))
        found.add((location, lastmod.group(1) if lastmod else None, alternates))
    return found


def whole_sitemap():
    """The sitemap as it was before the index: every section's addresses on one page (Django's paginator)."""
    request = RequestFactory().get("/sitemap.xml")
    whole = {
        name: type(f"Whole{section.__name__}", (section,), {"paginator": Sitemap.paginator, "limit": 50_000})
        for name, section in sitemap_sections.items()
    }
    response = sitemap_view(request, sitemaps=whole)
    return response.render().content.decode()


@pytest.fixture
def large_library(cusco):
    add_documents(1200, groups=[cusco], prefix="biblioteca", with_files=False)
    return Document.objects.published().count()


class TestSitemap:
    def test_the_index_lists_pages_of_at_most_a_thousand_addresses(self, client, large_library):
        response = client.get("/sitemap.xml")
        assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
        pages = re.findall(r"<loc>http://testserver(/[^<]+)</loc>", html(response))
        document_pages = math.ceil(large_library * 2 / 1000)
        assert document_pages == 3
        assert pages == [
            "/sitemap-pages.xml",
            "/sitemap-countries.xml",
            "/sitemap-groups.xml",
            "/sitemap-documents.xml",
            *(f"/sitemap-documents.xml?p={number}" for number in range(2, document_pages + 1)),
            "/sitemap-contacts.xml",
        ]
        for page in pages:
            answer = client.get(page)
            assert answer.status_code == 200 and answer["Content-Type"] == "application/xml; charset=utf-8"
            assert html(answer).count("<url>") <= 1000, page
        assert html(client.get("/sitemap-documents.xml?p=2")).count("<url>") == 1000

    def test_every_address_of_the_single_sitemap_is_still_listed(self, client, large_library):
        before = entries(whole_sitemap())
        index = html(client.get("/sitemap.xml"))
        after = set()
        for page in re.findall(r"<loc>http://testserver(/[^<]+)</loc>", index):
            after |= entries(html(client.get(page)))
        assert after == before
        # Both languages of each page, each naming the other and the default as alternates.
        cusco_es = "http://testserver/es/paises/peru/cusco/"
        cusco = next(entry for entry in after if entry[0] == cusco_es)
        assert [code for code, _href in cusco[2]] == ["en", "es", "x-default"]
        assert any(entry[0] == "http://testserver/en/countries/peru/cusco/" for entry in after)
        assert len(after) == 2 * (large_library + 3 + 1 + 1 + WorkingGroup.objects.published().count())

    def test_a_page_of_the_sitemap_reads_a_bounded_number_of_rows(
        self, client, large_library, django_assert_num_queries
    ):
        with django_assert_num_queries(2) as captured:
            client.get("/sitemap-documents.xml?p=2")
        count, rows = (query["sql"] for query in captured.captured_queries)
        assert count.startswith("SELECT COUNT(*)")
        # 500 documents, each listed in both languages: 1,000 addresses. Only the columns an address needs.
        assert "LIMIT 500 OFFSET 500" in rows
        selected = rows.split(" FROM ", 1)[0]
        assert set(re.findall(r'"documents_document"\."(\w+)"', selected)) == {"id", "slug", "updated_at"}

    def test_the_index_dates_each_section_by_its_newest_change(self, client, large_library):
        index = html(client.get("/sitemap.xml"))
        newest = Document.objects.published().latest("updated_at").updated_at
        documents = re.search(
            r"<loc>http://testserver/sitemap-documents.xml</loc><lastmod>([^<]+)</lastmod>", index
        )
        assert documents.group(1) == timezone.localtime(newest).isoformat()

    def test_a_page_number_out_of_range_or_not_a_number_is_a_404(self, client, large_library):
        for number in [*ODD_PAGE_NUMBERS, "4", "1e3"]:
            response = client.get("/sitemap-documents.xml", {"p": number})
            # Python reads "١" (Arabic-Indic one) as 1: the first page.
            assert response.status_code == (200 if number == "١" else 404), number

    def test_an_unknown_section_is_a_404(self, client, db):
        assert client.get("/sitemap-nothing.xml").status_code == 404

    def test_robots_txt_points_to_the_index(self, client, db):
        assert "Sitemap: http://testserver/sitemap.xml\n" in html(client.get("/robots.txt"))


# --- In Spanish, all of it ----------------------------------------------------------------------------------


def test_the_pages_of_long_lists_have_no_english_interface_text_in_spanish(client, big_cusco, many_contacts):
    add_groups(big_cusco.country, 33, prefix="pais")
    pairs = [
        (big_cusco.get_absolute_url(), "/es/paises/peru/cusco/"),
        (f"{big_cusco.get_absolute_url()}activities/?page=2", "/es/paises/peru/cusco/actividades/?page=2"),
        ("/en/contacts/?page=2", "/es/contactos/?page=2"),
        ("/en/countries/peru/?page=2", "/es/paises/peru/?page=2"),
        ("/en/", "/es/"),
        (f"/en/documents/?group={big_cusco.pk}&page=2", f"/es/documentos/?group={big_cusco.pk}&page=2"),
    ]
    values = content_values()
    problems = {}
    for english_url, spanish_url in pairs:
        spanish_response = client.get(spanish_url)
        assert spanish_response.status_code == 200, spanish_url
        english = visible_texts(html(client.get(english_url)), "en")
        spanish = visible_texts(html(spanish_response), "es")
        left = {
            text for text in spanish & english if text not in SAME_IN_BOTH and not is_content(text, values)
        }
        if left:
            problems[spanish_url] = sorted(left)
    assert not problems, f"English interface text on Spanish pages: {problems}"
    spanish_group = html(client.get("/es/paises/peru/cusco/"))
    assert "Ver los " in spanish_group and "documentos de este grupo en la biblioteca" in spanish_group
    assert "actividades de este grupo" in spanish_group


# --- On generated content (sample_data) ---------------------------------------------------------------------


class TestGeneratedSite:
    def test_the_big_group_page_stays_the_same_size_as_its_library_grows(
        self, client, sample_site, django_assert_num_queries
    ):
        group = sample_site.big_group
        url = group.get_absolute_url()
        with django_assert_num_queries(8):
            before = client.get(url).content
        add_documents(200, groups=[group])
        add_activities(group, 60)
        with django_assert_num_queries(8):
            page = html(client.get(url))
        # Generated texts are longer than the Peru content's: about 23 KB, whatever the size of the library.
        assert len(page.encode()) < GENERATED_GROUP_PAGE_MAX_BYTES
        assert len(page.encode()) < len(before) * 1.1
        total = Document.objects.published().for_group(group).count()
        assert page.count('<li class="document-item">') == LATEST_ON_GROUP_PAGE
        assert f'<a href="/en/documents/?group={group.pk}">See all {total} documents of this group' in page
        assert f"{total} documents match:" in html(client.get(f"/en/documents/?group={group.pk}"))

    def test_every_page_type_costs_a_few_queries_in_both_languages(
        self, client, sample_site, django_assert_max_num_queries
    ):
        group, document = sample_site.big_group, sample_site.document
        paths = [
            "/en/",
            "/en/about/",
            group.country.get_absolute_url(),
            group.get_absolute_url(),
            f"{group.get_absolute_url()}activities/",
            "/en/documents/",
            document.get_absolute_url(),
            "/en/contacts/",
            "/sitemap.xml",
            "/sitemap-documents.xml",
        ]
        for path in paths:
            for language in ("en", "es"):
                with translation.override("en"):
                    address = translate_url(path, language)
                with django_assert_max_num_queries(9):
                    response = client.get(address)
                assert response.status_code == 200, address
