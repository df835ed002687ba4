"""The in-process half of `make bench-pages`: what each page costs in queries, bytes and time, one request
at a time, uncached and from the page cache, on whatever database DATABASE_URL names (scripts/bench-pages
runs it on the generated dataset). Prints one JSON object: the pages it chose and their figures.

Run by scripts/bench-pages; alone: `DATABASE_URL=… python scripts/bench_pages_inprocess.py`.
"""

import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icwg_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from documents.models import Document  # noqa: E402
from groups.models import Country, WorkingGroup  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_INPROCESS_REQUESTS", "50"))
# Twenty things visitors type: with and without accents, one to four words, names, a typo in a name.
SEARCHES = [
    "formalizacion",
    "formalización minera",
    "derechos humanos",
    "seguridad",
    "dialogo",
    "diálogo con comunidades",
    "empresas seguridad derechos humanos",
    "capacitacion",
    "human rights",
    "security forces",
    "mining",
    "Cusco",
    "Lima",
    "principios voluntarios",
    "informe anual",
    "policia nacional",
    "conflictos sociales",
    "agua",
    "gobernanza",
    "Cuzco",  # a one-letter slip
]


def pages():
    """One address of each kind, the heaviest of its kind on this dataset."""
    group = (
        WorkingGroup.objects.published()
        .annotate(published_documents=Count("documents", filter=Q(documents__status="published")))
        .order_by("-published_documents")
        .select_related("country")
        .first()
    )
    country = (
        Country.objects.with_published_groups().annotate(n=Count("working_groups")).order_by("-n").first()
    )
    document = Document.objects.published().order_by("-publication_date").first()
    return {
        "robots.txt": "/robots.txt",
        "home": "/es/",
        "country": country.get_absolute_url(),
        "group": group.get_absolute_url(),
        "library": "/es/documentos/",
        "library, filtered by group": f"/es/documentos/?group={group.pk}",
        "document": document.get_absolute_url(),
        "contacts": "/es/contactos/",
        "sitemap index": "/sitemap.xml",
    }


def sitemap_section(client):
    """The first section page the sitemap index lists (its address, without the host)."""
    index = client.get("/sitemap.xml", HTTP_HOST="localhost", secure=True).content.decode()
    start = index.find("<loc>")
    if start < 0:
        return None
    address = index[start + 5 : index.find("</loc>", start)]
    return address.split("localhost", 1)[-1]


@contextmanager
def counted_queries():
    """The SQL statements run inside the block (DEBUG off: Django's own query log is not kept)."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def measure(client, path, cached):
    settings.PAGE_CACHE_ENABLED = cached
    kwargs = {"HTTP_HOST": "localhost", "secure": True}
    first = client.get(path, **kwargs)
    with counted_queries() as queries:
        response = client.get(path, **kwargs)
    durations = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(path, **kwargs)
        durations.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code,
        "first_status": first.status_code,
        "queries": len(queries),
        "bytes": len(response.content),
        "median_ms": statistics.median(durations),
        "max_ms": max(durations),
    }


def search_figures(client):
    settings.PAGE_CACHE_ENABLED = False
    durations, queries = [], []
    for query in SEARCHES:
        client.get("/es/buscar/", {"q": query}, HTTP_HOST="localhost", secure=True)  # warm the plan cache
        started = time.perf_counter()
        with counted_queries() as captured:
            response = client.get("/es/buscar/", {"q": query}, HTTP_HOST="localhost", secure=True)
        durations.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
        assert response.status_code == 200, query
    durations.sort()
    return {
        "queries": len(SEARCHES),
        "p50_ms": statistics.median(durations),
        "p95_ms": durations[max(0, round(0.95 * len(durations)) - 1)],
        "max_ms": durations[-1],
        "most_queries": max(queries),
    }


def main():
    client = Client()
    chosen = pages()
    section = sitemap_section(client)
    if section:
        chosen["sitemap page"] = section
    figures = {"pages": chosen, "uncached": {}, "cached": {}}
    for label, path in chosen.items():
        figures["uncached"][label] = measure(client, path, cached=False)
        figures["cached"][label] = measure(client, path, cached=True)
    figures["search"] = search_figures(client)
    figures["search_queries"] = SEARCHES
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
