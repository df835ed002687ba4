"""``manage.py generate_sample_data``: a fictitious bilingual dataset of the size asked, with real PDFs."""

import hashlib
import io
import time
from datetime import timedelta
from statistics import mean

import pypdf
import pytest
from django.core.files import File
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator
from PIL import Image

from contacts.models import Contact, split_emails
from documents.models import Document, DocumentFile
from documents.uploads import inspect_upload, pdf_text
from groups.models import (
    Activity,
    Country,
    Membership,
    Objective,
    Organization,
    PublicationStatus,
    WorkingGroup,
    validate_outline,
)
from sample_data.services import FIRST_DAY, LAST_DAY, SAMPLE_PREFIX, generate

pytestmark = pytest.mark.django_db

SMALL = {"countries": 3, "groups": 10, "documents": 150}


def run(*args):
    out = io.StringIO()
    call_command("generate_sample_data", *args, stdout=out)
    return out.getvalue()


def small_args(**sizes):
    return [f"--{name}={value}" for name, value in {**SMALL, **sizes}.items()]


@pytest.fixture
def small():
    started = time.monotonic()
    output = run(*small_args())
    return {"output": output, "seconds": time.monotonic() - started}


def sample_groups():
    return WorkingGroup.objects.filter(country__slug__startswith=SAMPLE_PREFIX)


def test_a_small_dataset_has_what_was_asked_and_takes_seconds(small):
    assert small["seconds"] < 30  # a few seconds on a quiet machine; generous for a busy one
    output = small["output"]
    assert "documents: 150/150 (100%)" in output
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith("Generated 3 countries, 10 working groups, 200 organizations")
    )

    assert Country.objects.filter(slug__startswith=SAMPLE_PREFIX).count() == 3
    assert sample_groups().count() == 10
    assert Document.objects.filter(slug__startswith=SAMPLE_PREFIX).count() == 150
    assert Organization.objects.count() == 200  # 20 a group by default
    assert 10 <= Contact.objects.count() <= 30  # about two a group
    assert (
        Contact.objects.filter(is_public=False).exists() and Contact.objects.filter(is_public=True).exists()
    )
    for country in Country.objects.all():
        assert country.working_groups.exists()
    for group in sample_groups():
        pillars = set(group.memberships.exclude(pillar=None).values_list("pillar__slug", flat=True))
        assert pillars == {"state", "companies", "civil-society"}
    assert Membership.objects.filter(pillar=None, role=Membership.Role.OBSERVER).exists()
    assert Objective.objects.exists()
    assert (
        Activity.objects.exclude(start_date=None).exists()
        and Activity.objects.filter(start_date=None).exists()
    )
    assert Activity.documents.through.objects.exists()

    # One group holds far more documents than any other, to exercise a large group page.
    sizes = sorted((group.documents.count(), group.pk) for group in sample_groups())
    big, runner_up = sizes[-1][0], sizes[-2][0]
    assert big == 75  # 200 at full size; half the library when it is small
    assert big > 3 * runner_up
    assert WorkingGroup.objects.get(pk=sizes[-1][1]).status == PublicationStatus.PUBLISHED

    documents = Document.objects.all()
    published = documents.filter(status=PublicationStatus.PUBLISHED).count()
    assert 0.8 * 150 <= published < 150  # mostly published, some drafts
    dates = sorted(documents.values_list("publication_date", flat=True))
    assert FIRST_DAY <= dates[0] and dates[-1] <= LAST_DAY
    assert dates[-1] - dates[0] > timedelta(days=365 * 12)  # spread over 15 years
    files = DocumentFile.objects.all()
    by_documents = {language: documents.filter(language=language).count() for language in ("es", "en")}
    assert by_documents["es"] > 2 * by_documents["en"] > 0  # mostly Spanish, some English
    both = documents.filter(files__language="es").filter(files__language="en").distinct().count()
    assert 0 < both < 50 and files.count() == 150 + both  # some in both languages, each with a file per one
    assert set(files.values_list("format", flat=True)) == {"pdf"}


def translated_fields():
    for model in translator.get_registered_models():
        for name in translator.get_options_for_model(model).fields:
            yield model, name


def test_every_translated_field_is_filled_in_both_languages(small):
    checked = set()
    for model, name in translated_fields():
        for record in model.objects.all():
            for language in ("es", "en"):
                value = getattr(record, f"{name}_{language}")
                assert value and value.strip(), f"{model.__name__} {record.pk} has no {name}_{language}"
            checked.add(model)
    assert checked == set(translator.get_registered_models())  # every translated model has generated rows


def test_the_content_is_valid_and_clearly_fictitious(small):
    for model in (Country, WorkingGroup, Organization, Membership, Objective, Activity, Contact, Document):
        for record in model.objects.all():
            with translation.override("es"):
                record.full_clean()
    for organization in Organization.objects.all():
        assert organization.website.endswith(".example.org/")
    for contact in Contact.objects.all():
        for address in split_emails(contact.emails):
            assert address.endswith((".example.org", ".example.net"))
        assert not contact.phone or contact.phone.startswith("+1 555 01")
    for country in Country.objects.all():
        validate_outline(country.outline)
        assert len(country.outline) >= 24
        assert country.iso_code in {"AA", "ZZ"} or country.iso_code[0] in "QX"  # reserved for user assignment
        assert "ficticio" in country.introduction_es and "fictitious" in country.introduction_en
        longitudes, latitudes = zip(*country.outline, strict=True)
        for group in country.working_groups.all():
            assert min(longitudes) < group.longitude < max(longitudes)
            assert min(latitudes) < group.latitude < max(latitudes)


def test_stored_files_are_the_pdfs_their_records_describe(small):
    files = list(DocumentFile.objects.select_related("document"))
    assert len(files) > 150
    for document_file in files:
        assert document_file.file.name.startswith(f"documents/{document_file.created_at:%Y}/")
        with document_file.file.open("rb") as stored:
            content = stored.read()
        assert len(content) == document_file.size
        assert hashlib.sha256(content).hexdigest() == document_file.sha256
        reader = pypdf.PdfReader(io.BytesIO(content))
        assert len(reader.pages) == document_file.page_count
        assert pdf_text(reader) == document_file.text
        language_word = {"es": " de ", "en": " the "}[document_file.language]
        assert language_word in document_file.text
        assert document_file.original_filename.endswith(".pdf")
        with document_file.cover.open("rb") as cover:
            image = Image.open(cover)
            assert image.format == "JPEG"
            assert image.size == (document_file.cover_width, document_file.cover_height)
    assert 1.5 < mean(document_file.page_count for document_file in files) < 4.5

    # Exactly what the upload path would have found in a few of them (it reads them in full: slow for all).
    for document_file in files[:: len(files) // 5]:
        with document_file.file.open("rb") as stored:
            inspected = inspect_upload(File(stored, name=document_file.original_filename))
        for name in (
            "format",
            "mime_type",
            "size",
            "sha256",
            "page_count",
            "text",
            "cover_width",
            "cover_height",
        ):
            assert getattr(inspected, name) == getattr(document_file, name), name

    for record in [*Country.objects.all(), *WorkingGroup.objects.all()]:
        with record.image.open("rb") as stored:
            Image.open(stored).verify()


def test_the_public_pages_answer_with_the_dataset(client, small):
    big_group = max(sample_groups(), key=lambda group: group.documents.count())
    document = big_group.documents.filter(status=PublicationStatus.PUBLISHED).first()
    document_file = document.files.first()
    for language in ("es", "en"):
        with translation.override(language):
            pages = [
                reverse("home"),
                big_group.country.get_absolute_url(),
                big_group.get_absolute_url(),
                reverse("documents:list"),
                reverse("documents:list") + "?page=3",
                document.get_absolute_url(),
                reverse("contacts:list"),
            ]
            download = document_file.get_absolute_url()
            name = big_group.name
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
        assert name in client.get(pages[2]).content.decode()
        response = client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == document_file.file.open("rb").read()
    assert client.get("/sitemap.xml").status_code == 200


def peru_rows():
    """The Peru content as loaded: every row with its last change, to tell that nothing touched it."""
    peru = Country.objects.get(iso_code="PE")
    groups = WorkingGroup.objects.filter(country=peru)
    return {
        "country": (peru.pk, peru.updated_at),
        "groups": sorted(groups.values_list("pk", "updated_at")),
        "objectives": sorted(Objective.objects.filter(group__in=groups).values_list("pk", "text")),
        "activities": sorted(Activity.objects.filter(group__in=groups).values_list("pk", "title")),
        "memberships": sorted(Membership.objects.filter(group__in=groups).values_list("pk", "organization")),
        "contacts": sorted(Contact.objects.filter(group__in=groups).values_list("pk", "updated_at")),
        "documents": sorted(
            Document.objects.exclude(slug__startswith=SAMPLE_PREFIX).values_list("pk", "updated_at")
        ),
        "organizations": sorted(
            Organization.objects.filter(memberships__group__in=groups).values_list("pk", "updated_at")
        ),
    }


def test_running_twice_refuses_and_replace_keeps_the_peru_content(django_capture_on_commit_callbacks):
    call_command("load_peru_content", stdout=io.StringIO())
    peru = peru_rows()
    run(*small_args(documents=40))
    first_files = [document_file.file for document_file in DocumentFile.objects.all()]
    assert all(stored.storage.exists(stored.name) for stored in first_files)

    with pytest.raises(CommandError, match="already holds generated sample data.*--replace"):
        run(*small_args(documents=40))
    assert "kept as it is" in run("--if-missing", *small_args(documents=40))
    assert Document.objects.filter(slug__startswith=SAMPLE_PREFIX).count() == 40

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--replace", *small_args(documents=60, seed=5))
    assert "deleted 3 countries, 10 groups, 40 documents and 200 organizations" in output
    assert peru_rows() == peru
    assert Country.objects.filter(slug__startswith=SAMPLE_PREFIX).count() == 3
    assert Document.objects.filter(slug__startswith=SAMPLE_PREFIX).count() == 60
    assert Organization.objects.count() == 200 + 2  # Peru's two and the new ones
    assert Country.objects.count() == 4 and WorkingGroup.objects.count() == 12
    # The replaced dataset's files are gone from the storage once the replacement committed.
    assert not any(stored.storage.exists(stored.name) for stored in first_files)


def fingerprint():
    """Everything generated, by natural keys: what must be the same for the same seed."""
    return {
        "countries": sorted(
            Country.objects.values_list(
                "slug", "iso_code", "name_es", "introduction_en", "outline", "vpi_status"
            )
        ),
        "groups": sorted(
            sample_groups().values_list(
                "country__slug", "slug", "name_en", "overview_es", "latitude", "longitude", "status"
            )
        ),
        "organizations": sorted(Organization.objects.values_list("name_es", "acronym", "kind", "website")),
        "memberships": sorted(
            Membership.objects.values_list(
                "group__slug", "organization__name_es", "pillar__slug", "role", "representative", "start_date"
            ),
            key=str,
        ),
        "activities": sorted(
            Activity.objects.values_list("group__slug", "order", "title_es", "description_en", "start_date"),
            key=str,
        ),
        "contacts": sorted(
            Contact.objects.values_list("group__slug", "person", "emails", "phone", "is_public"), key=str
        ),
        "documents": sorted(
            Document.objects.values_list(
                "slug",
                "title_en",
                "summary_es",
                "document_type__slug",
                "publication_date",
                "status",
                "language",
            ),
            key=str,
        ),
        "links": sorted(Document.groups.through.objects.values_list("document__slug", "workinggroup__slug")),
        "files": sorted(
            DocumentFile.objects.values_list("document__slug", "language", "sha256", "page_count", "kind")
        ),
    }


def test_the_same_seed_gives_the_same_dataset(django_capture_on_commit_callbacks):
    sizes = {"countries": 2, "groups": 4, "documents": 30}
    generate(**sizes)
    first = fingerprint()
    with django_capture_on_commit_callbacks(execute=True):
        generate(**sizes, replace=True)
    assert fingerprint() == first
    with django_capture_on_commit_callbacks(execute=True):
        generate(**sizes, seed=12, replace=True)
    other = fingerprint()
    assert other["countries"] != first["countries"] and other["files"] != first["files"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--countries=3", "--groups=2"], "Every country needs a group"),
        (["--countries=43", "--groups=50"], "At most 42 countries"),
        (["--documents=-1"], "whole numbers"),
    ],
)
def test_impossible_sizes_are_refused_before_anything_is_made(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Country.objects.exists() and not Organization.objects.exists()


def test_replacing_frees_the_codes_of_the_countries_it_replaces(monkeypatch):
    from sample_data import services

    monkeypatch.setattr(services, "USER_ASSIGNED_ISO_CODES", ["QM", "QN", "XA"])
    generate(countries=3, groups=3, documents=6)
    with pytest.raises(services.SampleDataError, match="At most 3 countries"):
        generate(countries=4, groups=4, documents=6, replace=True)
    generate(countries=3, groups=3, documents=6, replace=True)
    assert sorted(Country.objects.values_list("iso_code", flat=True)) == ["QM", "QN", "XA"]


def test_a_failed_generation_leaves_neither_records_nor_files(media_on_disk, monkeypatch):
    from sample_data import services

    def fail(self):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(services.Generation, "link_activities_to_documents", fail)
    with pytest.raises(RuntimeError):
        generate(countries=2, groups=3, documents=20)
    assert not Document.objects.exists() and not Country.objects.exists()
    assert not [path for path in media_on_disk.rglob("*") if path.is_file()]


def test_sample_site_fixture_is_small_and_has_handles(sample_site):
    assert sample_site.big_group.documents.count() > sample_site.group.documents.count()
    assert sample_site.big_group.country == sample_site.country
    assert sample_site.document.groups.filter(pk=sample_site.big_group.pk).exists()
    assert sample_site.document.status == PublicationStatus.PUBLISHED
    assert sample_site.counts["documents"] == Document.objects.count()


def test_generated_content_is_searchable_and_replaces_the_pages_stored_before(
    client, django_capture_on_commit_callbacks
):
    call_command("load_peru_content", stdout=io.StringIO())
    before = client.get("/es/documentos/")
    assert client.get("/es/documentos/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        run(*small_args())

    library = client.get("/es/documentos/")
    assert library["X-Page-Cache"] == "miss" and library.content != before.content
    document = Document.objects.filter(slug__startswith="sample-", status=PublicationStatus.PUBLISHED).first()
    word = max(document.title_es.split(), key=len)
    found = client.get("/es/buscar/", {"q": word, "kind": "documents"}).content.decode()
    assert document.get_absolute_url() in found
