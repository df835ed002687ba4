"""The library reads its order from an index: a page at a time, never sorting every document."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document
from tests import factories


@pytest.fixture
def library(postgres_required):
    document_type = factories.make_document_type()
    Document.objects.bulk_create(
        Document(
            title_es=f"Documento {number}",
            slug=f"doc-{number}",
            document_type=document_type,
            status="published" if number % 10 else "draft",
            publication_date=date(2010, 1, 1) + timedelta(days=number % 4000) if number % 7 else None,
        )
        for number in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def first_page_plan(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/es/documentos/", params or {})
    assert response.status_code == 200
    [listing] = [q["sql"] for q in queries.captured_queries if "LIMIT 20" in q["sql"]]
    return explain(listing)


@pytest.mark.parametrize("params", [{}, {"year": "2015"}])
def test_the_librarys_first_page_is_read_in_order_from_an_index(client, library, params):
    plan = first_page_plan(client, params)
    assert "document_library_order" in plan, plan
    assert "Sort" not in plan, plan
