"""The search index (search/index.py) is current after every kind of edit, inside the edit's transaction, and
rebuilt whole by `manage.py update_search_index`; on either engine."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from documents import services
from documents.models import Document, DocumentFile
from search import index
from search.declarations import DOCUMENT_FILES, OBJECTIVES
from search.models import Entry
from search.results import Search
from tests import factories
from tests.documents import samples
from tests.groups.test_roles import form_data
from tests.search.pages import OTHER_RARE, RARE

pytestmark = pytest.mark.django_db


def found(query, language="es", kind=""):
    """[(kind, address)] of what a search finds, as the page lists it."""
    return [
        (section.kind.slug, result.url)
        for section in Search(query, language, kind).sections
        for result in section.results
    ]


def page_of(record, language="es"):
    with translation.override(language):
        return record.get_absolute_url()


def urls(query, language="es"):
    return [url for _kind, url in found(query, language)]


@pytest.fixture
def admin(superuser_client):
    return superuser_client


class TestKeptCurrent:
    def test_a_group_edited_in_the_admin_in_both_languages_with_a_new_objective(self, admin):
        group = factories.make_group(vision_es="Una visión antigua.", vision_en="An old vision.")
        url = f"/admin/groups/workinggroup/{group.pk}/change/"
        data = form_data(admin.get(url))
        data.update(vision_es=f"La visión del {RARE}.", vision_en=f"The {OTHER_RARE} vision.")
        data.update(
            {
                "objectives-TOTAL_FORMS": "1",
                "objectives-0-text_es": f"Un objetivo sobre la cuenca del {RARE}.",
                "objectives-0-text_en": "An objective about the upper basin.",
                "objectives-0-order": "1",
            }
        )
        response = admin.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        page = page_of(group)
        assert found(RARE) == [("groups", page), ("objectives", f"{page}#objectives")]
        assert urls(OTHER_RARE, "en") == [f"/en/countries/{group.country.slug}/{group.slug}/"]
        assert urls("antigua") == [] and urls("basin", "en") == [
            f"/en/countries/{group.country.slug}/{group.slug}/#objectives"
        ]

    def test_an_empty_translation_falls_back_to_the_spanish_text_as_pages_do(self, db):
        group = factories.make_group(name_en="", vision_es=f"La visión del {RARE}.", vision_en="")
        [result] = Search(RARE, "en").sections[0].results
        assert result.title == (group.name_es, "es") and result.excerpt[1] == "es"
        group.vision_en = f"The {OTHER_RARE} vision."
        group.save()
        assert urls(OTHER_RARE, "en") == [f"/en/countries/{group.country.slug}/{group.slug}/"]

    def test_objectives_and_activities_edited_moved_or_deleted(self, db):
        first, second = factories.make_group(), factories.make_group()
        objective = factories.make_objective(group=first, text_es="Objetivo inicial.")
        activity = factories.make_activity(group=first, title_es=f"Taller {RARE}")
        assert urls(RARE) == [f"{page_of(first)}#activities"]
        objective.text_es = f"Objetivo del {OTHER_RARE}."
        objective.save()
        assert urls(OTHER_RARE) == [f"{page_of(first)}#objectives"] and urls("inicial") == []
        activity.group = second
        activity.save()
        assert urls(RARE) == [f"{page_of(second)}#activities"]
        activity.delete()
        objective.delete()
        assert urls(RARE) == [] and urls(OTHER_RARE) == []

    def test_a_group_renamed_or_moved_updates_what_is_shown_under_it(self, db):
        group = factories.make_group(name_es="Grupo Antiguo")
        factories.make_objective(group=group, text_es=f"Objetivo {RARE}")
        factories.make_contact(group=group, person=f"Persona {RARE}")
        group.name_es, group.slug = "Grupo Nuevo", "nuevo"
        group.country = factories.make_country(slug="otro")
        group.save()
        assert set(urls(RARE)) == {"/es/paises/otro/nuevo/#objectives", "/es/paises/otro/nuevo/#contacts"}
        assert all(
            "Grupo Nuevo" in result.context for s in Search(RARE, "es").sections for result in s.results
        )

    def test_an_edit_that_shows_nowhere_else_rewrites_only_the_groups_own_entry(self, db):
        group = factories.make_group()
        factories.make_objective(group=group, text_es=f"Objetivo {RARE}")
        before = Entry.objects.get(kind="objective").pk
        group.image_alt_es = "Otra descripción"
        group.save()
        assert Entry.objects.get(kind="objective").pk == before
        group.name_es = "Otro nombre"
        group.save()
        assert Entry.objects.get(kind="objective").pk != before

    def test_an_organization_appears_with_its_memberships_and_goes_with_them(self, db):
        organization = factories.make_organization(name_es=f"ONG {RARE}")
        assert urls(RARE) == []
        group = factories.make_group()
        membership = factories.make_membership(group=group, organization=organization)
        assert urls(RARE) == [f"{page_of(group)}#composition"]
        other = factories.make_group()
        membership.group = other
        membership.save()
        assert urls(RARE) == [f"{page_of(other)}#composition"]
        organization.name_es = f"ONG {OTHER_RARE}"
        organization.save()
        assert urls(RARE) == [] and urls(OTHER_RARE) == [f"{page_of(other)}#composition"]
        membership.delete()
        assert urls(OTHER_RARE) == []

    def test_a_contacts_organization_renamed_finds_the_contact_by_its_new_name(self, db):
        organization = factories.make_organization(name_es="Centro Antiguo")
        contact = factories.make_contact(person="Ana Pérez", organization=organization)
        organization.name_es = f"Centro {RARE}"
        organization.save()
        assert (("contacts", f"{page_of(contact.group)}#contacts")) in found(RARE)

    def test_unpublishing_a_group_takes_what_only_it_holds_out_at_once(self, db):
        country = factories.make_country(name_es=f"País {RARE}")
        group = factories.make_group(country=country, name_es=f"Grupo {RARE}")
        factories.make_activity(group=group, title_es=f"Actividad {RARE}")
        factories.make_membership(
            group=group, organization=factories.make_organization(name_es=f"ONG {RARE}")
        )
        assert {kind for kind, _url in found(RARE)} == {"groups", "activities", "organizations", "countries"}
        group.status = "draft"
        group.save()
        assert found(RARE) == []

    def test_a_deleted_group_takes_its_records_with_it(self, db):
        group = factories.make_group(name_es=f"Grupo {RARE}")
        factories.make_objective(group=group, text_es=f"Objetivo {RARE}")
        factories.make_contact(group=group, person=f"Persona {RARE}")
        group.delete()
        assert (
            found(RARE) == []
            and not Entry.objects.filter(kind__in=["group", "objective", "contact"]).exists()
        )

    def test_a_country_renamed_is_found_by_its_new_name_and_its_groups_addresses_follow(self, db):
        country = factories.make_country(name_es="Arcadia", slug="arcadia")
        group = factories.make_group(country=country)
        country.name_es, country.slug = f"República del {RARE}", "republica"
        country.save()
        assert urls(RARE) == ["/es/paises/republica/"]
        assert urls(group.name_es)[0] == f"/es/paises/republica/{group.slug}/"

    def test_a_document_type_renamed_shows_under_its_documents(self, db):
        document_type = factories.make_document_type(name_es="Tipo antiguo")
        factories.make_document(title_es=f"Guía {RARE}", document_type=document_type)
        document_type.name_es = "Tipo nuevo"
        document_type.save()
        [result] = [result for section in Search(RARE, "es").sections for result in section.results]
        assert result.context.startswith("Tipo nuevo")

    def test_a_file_added_and_deleted_changes_what_finds_its_document(self, db):
        document = factories.make_document(slug="informe", title_es="Informe anual")
        document_file = samples.make_document_file(
            document, content=samples.pdf_bytes((f"El {RARE} de la cuenca",))
        )
        assert urls(RARE) == ["/es/documentos/informe/"]
        services.delete_document_file(document_file)
        assert urls(RARE) == []

    def test_a_file_of_a_draft_is_not_found_until_the_document_is_published(self, db):
        document = factories.make_document(slug="borrador", status="draft")
        samples.make_document_file(document, content=samples.pdf_bytes((f"El {RARE} de la cuenca",)))
        assert urls(RARE) == [] and not Entry.objects.filter(part__gt=0).exists()
        document.status = "published"
        document.save()
        assert urls(RARE) == ["/es/documentos/borrador/"]

    def test_a_download_count_rewrites_nothing(self, db, django_assert_num_queries):
        document = factories.make_document()
        document_file = samples.make_document_file(document, content=samples.pdf_bytes((RARE,)))
        document_file.download_count = 3
        with django_assert_num_queries(1):
            document_file.save(update_fields=["download_count"])
        services.record_download(document_file)
        assert urls(RARE) == [page_of(document)]

    def test_a_file_uploaded_in_the_admin_is_found(self, admin):
        document = factories.make_document(slug="informe", title_es="Informe anual")
        url = f"/admin/documents/document/{document.pk}/change/"
        data = form_data(admin.get(url))
        data.update(
            {
                "files-TOTAL_FORMS": "1",
                "files-0-language": "es",
                "files-0-kind": "original",
                "files-0-note": "",
                "files-0-file": samples.upload(
                    "Informe.pdf", samples.pdf_bytes((f"El {RARE} de la cuenca",))
                ),
            }
        )
        response = admin.post(url, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        assert urls(RARE) == ["/es/documentos/informe/"]

    def test_a_reverted_version_is_indexed_again(self, admin):
        group = factories.make_group(vision_es=f"La visión del {RARE}.")
        call_command("createinitialrevisions", verbosity=0)
        url = f"/admin/groups/workinggroup/{group.pk}/"
        page = admin.get(f"{url}change/")
        admin.post(f"{url}change/", {**form_data(page), "vision_es": "Otra visión."})
        assert urls(RARE) == []
        from reversion.models import Version

        first = Version.objects.get_for_object(group).order_by("pk").first()
        preview = admin.get(f"{url}history/{first.pk}/")
        assert admin.post(f"{url}history/{first.pk}/", form_data(preview)).status_code == 302
        assert urls(RARE) == [page_of(group)]

    def test_a_failed_save_leaves_the_entries_as_they_were(self, db):
        from django.db import transaction

        group = factories.make_group(name_es=f"Grupo {RARE}")
        with pytest.raises(RuntimeError), transaction.atomic():
            group.name_es = f"Grupo {OTHER_RARE}"
            group.save()
            raise RuntimeError
        assert urls(RARE) == [page_of(group)] and urls(OTHER_RARE) == []


class TestRebuilding:
    def test_bulk_created_records_are_found_once_the_index_is_rebuilt_with_progress(self, db):
        document_type = factories.make_document_type()
        Document.objects.bulk_create(
            Document(
                title_es=f"Guía {number} del {RARE}",
                slug=f"g{number}",
                document_type=document_type,
                status="published",
            )
            for number in range(3)
        )
        assert urls(RARE) == []  # bulk_create sends no signal
        out = StringIO()
        call_command("update_search_index", stdout=out)
        lines = out.getvalue().splitlines()
        assert "documents: 3/3" in lines
        assert re.fullmatch(r"Search index rebuilt: .*3 documents, 0 files in \d+\.\d s\.", lines[-1])
        assert len(urls(RARE)) == 3

    def test_a_rebuild_writes_what_the_saves_wrote(self, peru):
        samples.make_document_file(Document.objects.first(), content=samples.pdf_bytes((f"Texto {RARE}",)))
        derived = ("id", "vector", "file_vector")
        columns = [f.attname for f in Entry._meta.concrete_fields if f.attname not in derived]
        saved = sorted(Entry.objects.values_list(*columns))
        index.rebuild()
        assert sorted(Entry.objects.values_list(*columns)) == saved

    def test_saves_while_paused_leave_the_entries_for_the_rebuild(self, db):
        with index.paused():
            group = factories.make_group(vision_es=f"La visión del {RARE}.")
        assert urls(RARE) == []
        index.rebuild()
        assert urls(RARE) == [page_of(group)]

    def test_reindexing_what_is_gone_removes_its_entries(self, db):
        objective = factories.make_objective(text_es=f"Objetivo {RARE}")
        objective_pk = objective.pk
        type(objective).objects.filter(
            pk=objective_pk
        ).delete()  # a queryset delete sends signals: still gone
        assert urls(RARE) == []
        factories.make_objective(text_es=f"Objetivo {OTHER_RARE}")
        type(objective).objects.filter(text_es__contains=OTHER_RARE).update(text_es="Otro")
        assert index.reindex(OBJECTIVES, type(objective).objects.values_list("pk", flat=True)) == 1
        assert urls(OTHER_RARE) == []

    def test_the_first_migration_of_the_index_fills_it(self, db):
        class Migration:
            app_label, name = "search", "0001_initial"

        group = factories.make_group(name_es=f"Grupo {RARE}")
        Entry.objects.all().delete()
        index.rebuild_after_first_migration(None, using="default", plan=[(Migration, True)])
        assert urls(RARE) == []
        index.rebuild_after_first_migration(None, using="default", plan=[(Migration, False)])
        assert urls(RARE) == [page_of(group)]


def test_a_huge_extracted_text_is_indexed_and_found(db):
    # Over 1 MB of distinct words: more than PostgreSQL can hold in one tsvector. The start is searched.
    document = factories.make_document(slug="huge")
    text = f"{RARE} " + " ".join(f"palabra{number:07d}" for number in range(80_000))
    DocumentFile.objects.create(
        document=document, file="documents/huge.pdf", format="pdf", sha256="0" * 64, text=text
    )
    assert urls(RARE) == ["/es/documentos/huge/"]
    assert DOCUMENT_FILES.batch_size < 100


def test_staff_see_what_visitors_see(db):
    staff = Client()
    staff.force_login(factories.make_superuser())
    factories.make_group(name_es=f"Grupo {RARE}", status="draft")
    assert "No se encontró nada" in staff.get("/es/buscar/", {"q": RARE}).content.decode()
