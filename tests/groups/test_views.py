import json
import re

import pytest
from django.test import Client
from django.utils import translation

from contacts.models import Contact
from documents.models import Document, DocumentFile
from groups.models import Membership, Organization, Pillar, WorkingGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def peru(peru_content):
    return peru_content


@pytest.fixture
def staff_client(db):
    from tests.factories import make_secretariat_user

    user = make_secretariat_user()  # the secretariat previews every draft; a coordinator only their own
    staff = Client()
    staff.force_login(user)
    return staff


def html(response):
    return response.content.decode()


class TestLanguageChoice:
    def test_spanish_browser_lands_in_spanish(self, client, peru):
        for header in ("es-PE,es;q=0.9", "es-419", "es"):
            response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
            assert response.status_code == 302 and response["Location"] == "/es/", header

    def test_other_browsers_land_in_english(self, client, peru):
        for header in ("en-US,en;q=0.9", "fr-FR", ""):
            response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
            assert response["Location"] == "/en/", header

    def test_switcher_keeps_the_visitor_on_the_same_page_and_remembers_the_choice(self, client, cusco):
        response = client.get("/es/")
        switch = re.search(r'href="(/language/en/\?next=[^"]+)"', html(response)).group(1)
        assert switch == "/language/en/?next=/es/"
        with_es_page = client.get(f"/language/en/?next=/es/{spanish_path(cusco)}")
        assert with_es_page.status_code == 302
        target = with_es_page["Location"]
        assert target == "/en/countries/peru/cusco/"
        assert client.get(target).status_code == 200
        assert with_es_page.cookies["django_language"].value == "en"
        # Next time the visitor comes to /, the choice wins over the browser's Spanish.
        assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-PE")["Location"] == "/en/"

    def test_switcher_keeps_the_query_string(self, client, peru):
        page = html(client.get("/es/documentos/?language=es"))
        switch = re.search(r'href="(/language/en/\?next=[^"]+)"', page).group(1)
        response = client.get(switch.replace("&amp;", "&"))
        assert response["Location"] == "/en/documents/?language=es"

    def test_switcher_refuses_to_send_visitors_elsewhere(self, client, peru):
        response = client.get("/language/en/?next=https://evil.example/")
        assert response["Location"] == "/"

    def test_switcher_ignores_unknown_languages(self, client, peru):
        response = client.get("/language/xx/?next=/es/")
        assert response.status_code == 302 and "django_language" not in response.cookies


class TestGroupPage:
    def test_cusco_in_spanish(self, client, cusco):
        page = html(client.get(f"/es/{spanish_path(cusco)}"))
        assert '<html lang="es">' in page
        assert "garantizar una gobernanza adecuada" in page.lower()
        assert "rondas campesinas" in page
        assert "Lucio Quiñones" in page
        assert "Mapeo de actores" in page

    def test_cusco_in_english(self, client, cusco):
        response = client.get(cusco.get_absolute_url())
        page = html(response)
        assert '<html lang="en">' in page
        assert "guarantee adequate governance" in page
        assert "peasant patrols" in page

    def test_page_links_its_other_language_and_itself(self, client, cusco):
        page = html(client.get(cusco.get_absolute_url()))
        assert f'<link rel="canonical" href="http://testserver{cusco.get_absolute_url()}">' in page
        spanish = f"http://testserver/es/{spanish_path(cusco)}"
        assert f'<link rel="alternate" hreflang="es" href="{spanish}">' in page
        assert '<link rel="alternate" hreflang="x-default"' in page

    def test_pillars_observers_and_chart(self, client, cusco):
        embassy = Organization.objects.create(name_es="Embajada de Suiza", name_en="Embassy of Switzerland")
        Membership.objects.create(group=cusco, organization=embassy, role="observer")
        page = html(client.get(cusco.get_absolute_url()))
        for pillar in ("State", "Companies", "Civil society", "Observers"):
            assert f"<h3>{pillar}</h3>" in page
        assert "Embassy of Switzerland" in page
        assert re.search(
            r"<title[^>]*>Organizations by pillar: State 0, Companies 0, Civil society 1, Observers 1", page
        )

    def test_fallback_is_marked_with_its_language(self, client, cusco):
        cusco.vision_en = ""
        cusco.save()
        page = html(client.get(cusco.get_absolute_url()))
        assert re.search(r'<div lang="es"><p>La visión|<div lang="es"><p>[^<]*gobernanza', page)
        assert "Not yet translated: shown in Spanish." in page

    def test_emails_are_one_click_but_not_in_the_html(self, client, cusco):
        page = html(client.get(cusco.get_absolute_url()))
        assert "lucio@guamanpoma.org" not in page and "@guamanpoma" not in page
        links = re.findall(r'<a href="(/en/contacts/\d+/email/\d+/)"[^>]*aria-label="([^"]+)"', page)
        assert len(links) == 2
        assert "Write to Lucio Quiñones: gpadireccion at guamanpoma.org" in links[0][1]
        redirect = client.get(links[1][0])
        assert redirect.status_code == 302 and redirect["Location"] == "mailto:lucio@guamanpoma.org"

    def test_missing_email_index_is_not_found(self, client, cusco):
        contact = Contact.objects.get(group=cusco)
        assert client.get(f"/en/contacts/{contact.pk}/email/9/").status_code == 404

    def test_structured_data_describes_the_group(self, client, cusco):
        page = html(client.get(cusco.get_absolute_url()))
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        data = json.loads(block)
        assert data["@type"] == "Organization" and "Cusco" in data["name"]
        assert data["url"] == f"http://testserver{cusco.get_absolute_url()}"

    def test_no_inline_scripts_styles_or_handlers(self, client, cusco):
        page = html(client.get(cusco.get_absolute_url()))
        scripts = re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", page)
        assert scripts == []
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son[a-z]+=", page)

    def test_draft_is_hidden_from_visitors_and_previewed_by_staff(self, client, staff_client, cusco):
        cusco.status = "draft"
        cusco.save()
        url = cusco.get_absolute_url()
        assert client.get(url).status_code == 404
        assert "Lucio" not in html(client.get("/en/contacts/"))
        preview = staff_client.get(url)
        assert preview.status_code == 200 and "only staff can see this page" in html(preview)

    def test_query_count_does_not_grow_with_the_group(self, client, cusco, django_assert_num_queries):
        civil = Pillar.objects.get(slug="civil-society")
        document_type = Document.objects.first().document_type
        for number in range(200):
            organization = Organization.objects.create(name_es=f"Organización {number}")
            Membership.objects.create(group=cusco, organization=organization, pillar=civil)
            cusco.activities.create(title_es=f"Actividad {number}", order=100 + number)
            cusco.objectives.create(text_es=f"Objetivo {number}", order=100 + number)
            Contact.objects.create(group=cusco, person=f"Persona {number}", emails=f"p{number}@example.org")
        for number in range(60):
            document = Document.objects.create(
                title_es=f"Documento {number}",
                slug=f"doc-{number}",
                document_type=document_type,
                status="published",
            )
            document.groups.add(cusco)
            DocumentFile.objects.create(
                document=document,
                language="es",
                file=f"documents/doc-{number}.pdf",
                original_filename=f"Documento {number}.pdf",
                format="pdf",
                mime_type="application/pdf",
                size=2_400_000,
                sha256="0" * 64,
                page_count=48,
            )
        # One query per section and the pillars, and the documents' files (format, size, language badges).
        url = cusco.get_absolute_url()
        with django_assert_num_queries(8):
            response = client.get(url)
        assert response.status_code == 200 and "Organización 199" in html(response)
        assert "Documento 59" in html(response) and "Persona 199" in html(response)
        # The latest documents and activities, and a link to the others.
        assert html(response).count("PDF, 2.3\xa0MB, 48 pages, Spanish") == 10
        documents, activities = Document.objects.for_group(cusco).count(), cusco.activities.count()
        assert documents > 60 and activities > 200
        link = f'<a href="/en/documents/?group={cusco.pk}">See all {documents} documents of this group'
        assert link in html(response)
        assert html(response).count('<span class="activity-title">') == 10
        assert f"See all {activities} activities of this group" in html(response)


class TestOtherPages:
    @pytest.mark.parametrize("language", ["es", "en"])
    def test_every_page_type_answers_in_both_languages(self, client, cusco, language):
        document = Document.objects.get(slug="mapeo-de-actores-cusco")
        paths = [
            f"/{language}/",
            *[
                translated(client, url, language)
                for url in (
                    "/en/about/",
                    "/en/countries/peru/",
                    cusco.get_absolute_url(),
                    "/en/documents/",
                    document.get_absolute_url(),
                    "/en/contacts/",
                )
            ],
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert f'<html lang="{language}">' in html(response), path

    def test_home_lists_countries_and_groups(self, client, cusco):
        page = html(client.get("/en/"))
        assert "Peru" in page and cusco.name_en in page and "Lima" in page

    def test_country_page_has_its_introduction(self, client, peru):
        page = html(client.get("/en/countries/peru/"))
        assert "32 million" in page and "2 working groups" in page

    def test_document_written_in_spanish_says_so_in_english(self, client, peru):
        document = Document.objects.get(slug="mapeo-de-actores-cusco")
        page = html(client.get(document.get_absolute_url()))
        assert "Available in Spanish only" in page

    def test_unknown_page_is_a_friendly_404_in_the_visitors_language(self, client, peru):
        response = client.get("/es/no-existe/")
        assert response.status_code == 404
        assert '<html lang="es">' in html(response) and "Página no encontrada" in html(response)

    def test_odd_query_strings_do_not_break_pages(self, client, peru):
        for query in ("?page=abc", "?page=99999", "?page=-1", "?page=%00"):
            assert client.get(f"/en/documents/{query}").status_code == 200

    def test_sitemap_lists_every_public_page_in_both_languages(self, client, cusco):
        WorkingGroup.objects.filter(slug="lima").update(status="draft")
        index = html(client.get("/sitemap.xml"))
        pages = re.findall(r"<loc>http://testserver(/[^<]+)</loc>", index)
        sitemap = "".join(html(client.get(page)) for page in pages)
        assert f"http://testserver{cusco.get_absolute_url()}" in sitemap
        assert f"http://testserver/es/{spanish_path(cusco)}" in sitemap
        assert 'hreflang="x-default"' in sitemap
        assert "/lima/" not in sitemap

    def test_robots_txt_points_to_the_sitemap(self, client, db):
        body = html(client.get("/robots.txt"))
        assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


def spanish_path(group):
    from django.utils import translation

    with translation.override("es"):
        return group.get_absolute_url().removeprefix("/es/")


def translated(client, english_url, language):
    from django.urls import translate_url

    return translate_url(english_url, language)


class TestLightAndSelfContained:
    def test_group_page_with_all_assets_weighs_under_100_kb_compressed(self, client, cusco):
        import gzip

        from django.contrib.staticfiles import finders

        page = client.get(cusco.get_absolute_url()).content
        assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', page)
        assert assets, "the page should load its stylesheet"
        total = len(gzip.compress(page))
        for asset in assets:
            with open(finders.find(asset.decode()), "rb") as file:
                total += len(gzip.compress(file.read()))
        assert total <= 100 * 1024, f"{total} bytes compressed"

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_nothing_is_loaded_from_another_host(self, client, cusco, language):
        with translation.override(language):
            url = cusco.get_absolute_url()
        page = html(client.get(url))
        loaded = re.findall(r'<(?:link|script|img|iframe|source)\b[^>]*?(?:href|src)="([^"]+)"', page)
        stylesheets_and_media = [u for u in loaded if not re.search(r'rel="(?:canonical|alternate)"', u)]
        external = [
            u
            for u in stylesheets_and_media
            if u.startswith(("http:", "https:", "//")) and "testserver" not in u
        ]
        assert external == []
        assert "<script src" not in page  # the public site works without JavaScript


class TestCountryMap:
    def test_country_page_draws_where_its_groups_meet(self, client, peru):
        page = html(client.get("/en/countries/peru/"))
        svg = re.search(r'<svg role="img"[^>]*aria-labelledby="map-title-peru".*?</svg>', page, re.S).group(0)
        assert "Map of Peru: where its working groups meet — Lima, Cusco" in svg
        assert svg.count("<circle") == 2
        lima = re.search(r'<text class="map-label" x="([\d.]+)" y="([\d.]+)"[^>]*>Lima</text>', svg)
        cusco = re.search(r'<text class="map-label" x="([\d.]+)" y="([\d.]+)"[^>]*>Cusco</text>', svg)
        # Cusco lies east and south of Lima: further right and lower on the map.
        assert float(cusco.group(1)) > float(lima.group(1)) and float(cusco.group(2)) > float(lima.group(2))

    def test_spanish_numbers_do_not_break_the_drawing(self, client, peru):
        page = html(client.get("/es/paises/peru/"))
        assert re.search(r'cx="\d+\.\d"', page) and not re.search(r'cx="\d+,\d"', page)

    def test_a_group_without_coordinates_is_listed_but_not_drawn(self, client, peru):
        WorkingGroup.objects.filter(slug="cusco").update(latitude=None, longitude=None)
        page = html(client.get("/en/countries/peru/"))
        assert page.count("<circle") == 1 and ">Cusco</text>" not in page
        assert "/en/countries/peru/cusco/" in page

    def test_a_country_without_outline_shows_no_map(self, client, peru):
        type(peru).objects.filter(pk=peru.pk).update(outline=[])
        assert (
            "<svg"
            not in html(client.get("/en/countries/peru/")).split("<main", 1)[1].split("working groups")[0]
        )

    @pytest.mark.parametrize("outline", [[[1, 2]], "Peru", [[1, 2], [3, 4], [500, 1]], [[1, 2], [3], [4, 5]]])
    def test_a_malformed_outline_is_refused_with_a_message(self, peru, outline):
        from django.core.exceptions import ValidationError

        peru.outline = outline
        with pytest.raises(ValidationError) as error:
            peru.full_clean()
        assert "[longitude, latitude]" in str(error.value.message_dict["outline"])

    def test_half_a_position_is_refused_by_the_database(self, cusco):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            WorkingGroup.objects.filter(pk=cusco.pk).update(longitude=None)


@pytest.mark.parametrize("url", ["/en/", "/es/", "/en/about/", "/en/countries/peru/", "/en/contacts/"])
def test_listing_pages_cost_the_same_few_queries_however_many_groups(
    client, peru, url, django_assert_max_num_queries
):
    for number in range(40):
        group = WorkingGroup.objects.create(
            country=peru,
            name_es=f"Grupo {number}",
            slug=f"grupo-{number}",
            location_es="Puno",
            status="published",
        )
        Contact.objects.create(group=group, person=f"Persona {number}", emails=f"p{number}@example.org")
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    expected = ("Grupo 39", "Persona 39", "42 working groups", "42 grupos de trabajo")
    assert any(text in html(response) for text in expected)
