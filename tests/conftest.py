import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from tests.failing_media import FailingMedia

# --- Property-based tests (hypothesis, tests/test_generated_requests.py) ----------------------------------
# Few examples per test by default, so that the suite stays fast, and a failure is reported as found
# (shrinking a request can take minutes); `pytest --hypothesis-profile thorough` runs a hundred times more and
# shrinks what fails to its smallest form. Requests take milliseconds: no deadline. The tests draw inside
# pytest-django's per-test transaction and undo each example themselves, so function-scoped fixtures are
# shared on purpose. On CI hypothesis picks its own "ci" profile (the same examples every run), as small.
GENERATED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
QUICK = {"max_examples": 10, "phases": [Phase.explicit, Phase.reuse, Phase.generate], **GENERATED}
hypothesis_settings.register_profile("default", **QUICK)
hypothesis_settings.register_profile("ci", hypothesis_settings.get_profile("ci"), **QUICK)
hypothesis_settings.register_profile("thorough", max_examples=1000, phases=tuple(Phase), **GENERATED)


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    """Uploads go to a real folder on disk, a fresh one per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def failing_media(settings, tmp_path):
    """The media folder, which the test can make read-only or full for real (see tests/failing_media.py)."""
    store = FailingMedia(tmp_path / "store", settings)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (local memory in tests), as after a deployment."""
    from django.core.cache import cache

    cache.clear()


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
def peru_content(db):
    """The Peru page as `make run` loads it (manage.py load_peru_content); returns the country."""
    from io import StringIO

    from django.core.management import call_command

    from groups.models import Country

    call_command("load_peru_content", stdout=StringIO())
    return Country.objects.get(slug="peru")


@pytest.fixture
def cusco(peru_content):
    """The Cusco group of the Peru content (a test module may define a ``cusco`` of its own)."""
    from groups.models import WorkingGroup

    return WorkingGroup.objects.get(slug="cusco")


@pytest.fixture
def lima(peru_content):
    """The Lima group of the Peru content."""
    from groups.models import WorkingGroup

    return WorkingGroup.objects.get(slug="lima")


@pytest.fixture
def superuser_client(db):
    from django.test import Client

    from tests import factories

    client = Client()
    client.force_login(factories.make_superuser())
    return client


@pytest.fixture
def sample_site(db):
    """A small generated dataset (sample_data: 2 countries, 6 groups, 60 documents with their PDF files; about
    a second) for tests of query counts and page sizes. Its handles: ``big_group`` (half the documents),
    ``country`` (the big group's), ``group`` (another published group), ``document`` (a published document of
    the big group), ``counts`` (records made, by kind: "countries", "groups", "documents", "files"…)."""
    from types import SimpleNamespace

    from groups.models import PublicationStatus
    from sample_data.services import generate

    site = generate(countries=2, groups=6, documents=60)
    big_group = site.big_group
    return SimpleNamespace(
        big_group=big_group,
        country=big_group.country,
        group=big_group.country.working_groups.published().exclude(pk=big_group.pk).first()
        or site.countries[1].working_groups.published().first(),
        document=big_group.documents.filter(status=PublicationStatus.PUBLISHED).latest("publication_date"),
        counts=site.counts,
    )


# --- A real browser: Debian's Chromium driven by Playwright (browsers are not downloaded) ---------------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, shared by the journeys (tests/browser) and the stack (tests/stack)."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: install it (scripts/ensure-chromium) or set CHROMIUM_PATH"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
