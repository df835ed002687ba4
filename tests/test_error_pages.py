"""When something fails on our side, visitors get a page in their language and the site's layout."""

import psycopg
import pytest
from django.db import connection

from groups import views as group_views


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("language", "message"), [("es", "Algo salió mal"), ("en", "Something went wrong")])
def test_a_bug_shows_a_friendly_500_in_the_visitors_language(
    failing_client, db, monkeypatch, language, message
):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(group_views, "countries_with_groups", broken)
    response = failing_client.get(f"/{language}/")
    body = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in body and message in body
    assert "RuntimeError" not in body and "Traceback" not in body


@pytest.mark.parametrize(
    ("language", "message"),
    [("es", "El portal no está disponible por un momento"), ("en", "The portal is briefly unavailable")],
)
def test_a_database_that_goes_away_gets_a_503_asking_to_retry(
    failing_client, transactional_db, monkeypatch, language, message
):
    def refuse(*args, **kwargs):
        raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    connection.close()
    monkeypatch.setattr(connection, "get_new_connection", refuse)
    response = failing_client.get(f"/{language}/")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert f'<html lang="{language}">' in body and message in body
    assert "Connection refused" not in body
    monkeypatch.undo()
    connection.close()
    assert failing_client.get(f"/{language}/").status_code == 200
