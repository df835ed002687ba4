"""The open data as deployed: through nginx (compressed, cached like pages) to the API, limited per visitor's
real address whatever a client claims in X-Forwarded-For."""

import json

import pytest

from tests.stack.client import Visitor

pytestmark = pytest.mark.stack

LIMIT = 120  # OPEN_DATA_RATE_LIMIT's default: per minute


def test_the_api_answers_compressed_json_open_to_every_origin_and_revalidates(stack):
    harvester = Visitor(stack, "127.0.0.20")
    answer = harvester.get("/api/v1/groups/?lang=en")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.headers["access-control-allow-origin"] == "*"
    assert {group["slug"] for group in json.loads(answer.body)["results"]} >= {"lima", "cusco"}
    assert harvester.get("/api/v1/groups/?lang=en", **{"If-None-Match": answer.headers["etag"]}).status == 304
    compressed = harvester.get("/api/v1/groups.csv?lang=all", **{"Accept-Encoding": "gzip"})
    assert compressed.status == 200 and compressed.headers.get("content-encoding") == "gzip"


def test_past_the_limit_an_address_gets_a_429_and_a_forged_forwarded_for_changes_nothing(stack):
    flooding = Visitor(stack, "127.0.0.21")
    # Each a different address, so that each reaches the application (stored answers do not count). The
    # limit counts in windows of a minute: within two windows' worth of requests, one is refused.
    for number in range(2 * LIMIT + 1):
        answer = flooding.get(
            f"/api/v1/countries/?limit={number % 100 + 1}&lang={('es', 'en', 'all')[number // 100]}"
        )
        if answer.status == 429:
            break
    assert answer.status == 429, "never limited"
    refused = json.loads(answer.body)
    assert refused["retry_after"] >= 1 and answer.headers["retry-after"] == str(refused["retry_after"])
    assert "Demasiadas solicitudes" in refused["detail"] or "Too many requests" in refused["detail"]

    forged = Visitor(stack, "127.0.0.21", headers={"X-Forwarded-For": "127.0.0.99"})
    again = forged.get("/api/v1/countries/?limit=7&lang=all&again=1")
    # Still refused, unless the window ended in between.
    assert again.status == 429 or refused["retry_after"] <= 1
    assert Visitor(stack, "127.0.0.22").get("/api/v1/countries/?limit=7&lang=all&again=1").status == 200
