"""The back office for documents and document types."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from documents.models import Document
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(factories.make_superuser())
    return client


def changelist_rows(response):
    return list(response.context["cl"].result_list)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def one_document(number):
    group = factories.make_group()
    return factories.make_document(
        groups=[group],
        publisher=factories.make_organization(),
        publication_date=f"2020-{number % 12 + 1:02d}-01",
        language="en" if number % 2 else "es",
    )


def one_document_type(number):
    document_type = factories.make_document_type()
    factories.make_document(document_type=document_type)
    return document_type


@pytest.mark.parametrize(
    ("url", "make_row"),
    [("/admin/documents/document/", one_document), ("/admin/documents/documenttype/", one_document_type)],
)
def test_a_change_list_runs_the_same_few_queries_however_many_rows(
    superuser_client, url, make_row, django_assert_max_num_queries
):
    for number in range(3):
        make_row(number)
    few_rows = count_queries(superuser_client, url)
    for number in range(3, 36):
        make_row(number)

    with django_assert_max_num_queries(12):
        response = superuser_client.get(url)
    assert response.context["cl"].result_count == 36
    assert count_queries(superuser_client, url) == few_rows


def test_staff_member_adds_a_document_in_both_languages(superuser_client):
    document_type = factories.make_document_type(name_es="Mapeo de actores", name_en="Stakeholder mapping")
    cusco = factories.make_group()
    response = superuser_client.post(
        "/admin/documents/document/add/",
        {
            "title_es": "Mapeo de actores de Cusco",
            "title_en": "Cusco stakeholder mapping",
            "slug": "mapeo-de-actores-cusco",
            "summary_es": "Quién es quién en Cusco.",
            "summary_en": "Who is who in Cusco.",
            "document_type": document_type.pk,
            "language": "es",
            "status": "published",
            "external_url": "example.org/mapeo.pdf",
            "publication_date": "2019-06-01",
            "groups": [cusco.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    assert (document.title_es, document.title_en) == (
        "Mapeo de actores de Cusco",
        "Cusco stakeholder mapping",
    )
    assert (document.summary_es, document.summary_en) == ("Quién es quién en Cusco.", "Who is who in Cusco.")
    assert list(document.groups.all()) == [cusco]
    # Typed without its scheme: stored as a secure link.
    assert document.external_url == "https://example.org/mapeo.pdf"


def test_a_document_without_its_spanish_title_is_refused(superuser_client):
    document_type = factories.make_document_type()
    response = superuser_client.post(
        "/admin/documents/document/add/",
        {
            "title_es": "",
            "title_en": "Only English",
            "slug": "only-english",
            "document_type": document_type.pk,
            "language": "en",
            "status": "draft",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.context["adminform"].form.errors["title_es"] == ["Este campo es obligatorio."]
    assert not Document.objects.exists()


class TestSearch:
    def test_documents_are_found_by_either_languages_title_or_summary(self, superuser_client):
        mapping = factories.make_document(
            title_es="Mapeo de actores", title_en="Stakeholder mapping", summary_en="Who is who in Espinar."
        )
        factories.make_document(title_es="Modelo nacional", title_en="National model")
        for query in ("Mapeo", "stakeholder", "Espinar"):
            response = superuser_client.get("/admin/documents/document/", {"q": query})
            assert changelist_rows(response) == [mapping], query

    def test_document_types_are_found_by_name(self, superuser_client):
        guidance = factories.make_document_type(name_es="Guía", name_en="Guidance")
        factories.make_document_type()
        response = superuser_client.get("/admin/documents/documenttype/", {"q": "Guidance"})
        assert changelist_rows(response) == [guidance]


class TestFilters:
    def test_documents_by_language_status_type_and_country(self, superuser_client):
        peru = factories.make_country()
        study = factories.make_document_type()
        in_english = factories.make_document(language="en", groups=[factories.make_group(country=peru)])
        draft = factories.make_document(status="draft", document_type=study)
        in_quechua = factories.make_document(
            language="qu", document_type=study, groups=[factories.make_group()]
        )

        def filtered(**params):
            return set(changelist_rows(superuser_client.get("/admin/documents/document/", params)))

        assert filtered(language__exact="en") == {in_english}
        assert filtered(language__exact="qu") == {in_quechua}
        assert filtered(status__exact="draft") == {draft}
        assert filtered(document_type__id__exact=study.pk) == {draft, in_quechua}
        assert filtered(groups__country__id__exact=peru.pk) == {in_english}

    def test_documents_by_availability(self, superuser_client):
        linked = factories.make_document()
        nothing = factories.make_document(external_url="")
        response = superuser_client.get("/admin/documents/document/", {"availability": "none"})
        assert changelist_rows(response) == [nothing]
        response = superuser_client.get("/admin/documents/document/", {"availability": "link"})
        assert changelist_rows(response) == [linked]


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get("/admin/documents/document/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
