import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Uploads go to a real folder on disk, a fresh one per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def reset_language():
    # LocaleMiddleware leaves the thread in the last request's language; the next test must not inherit it.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def postgres_required(db):
    from django.db import connection

    assert connection.vendor == "postgresql", "the suite runs against PostgreSQL, as production does"


@pytest.fixture
def superuser_client(db):
    from django.test import Client

    from tests import factories

    client = Client()
    client.force_login(factories.make_superuser())
    return client
