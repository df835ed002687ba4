"""Reading admin pages in tests: the rows a change list shows, and what a page costs in queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def changelist_rows(response):
    return list(response.context["cl"].result_list)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)
