"""Links in the history (groups/history.py, groups/version_format.py): recovering a deleted record links it
again as it was when deleted, from either end (a group's documents and coordinators, an activity's documents,
a document's groups and activities); reverting brings back the links its page edits and leaves the others as
they are now."""

import pytest
from django.test import Client
from reversion.models import Version

from documents.models import Document
from groups import version_format
from groups.models import Activity, WorkingGroup
from tests import factories
from tests.groups.test_history import (
    deleted_version,
    recover_url,
    revert,
    save_group_page,
    url,
    versions_of,
)
from tests.groups.test_roles import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_client():
    client = Client()
    client.force_login(factories.make_secretariat_user())
    return client


@pytest.fixture
def cusco():
    return factories.make_group(name_es="Grupo de Cusco", name_en="Cusco Working Group")


@pytest.fixture
def lima():
    return factories.make_group(name_es="Grupo de Lima", name_en="Lima Working Group")


def posted_as_shown(page):
    """What a browser posts back from an admin page left as it is, its empty new inline rows left out."""
    data = form_data(page)
    for key in [key for key in data if key.endswith("-TOTAL_FORMS")]:
        data[key] = data[key.replace("TOTAL", "INITIAL")]
    return data


def recover(client, model, version):
    preview = client.get(recover_url(model, version))
    assert preview.status_code == 200
    response = client.post(recover_url(model, version), posted_as_shown(preview))
    assert response.status_code == 302, response.context and response.context["errors"]


def link_on_the_documents_page(client, document, groups):
    """As staff do: the document's own page, its groups field."""
    page = client.get(url(document))
    data = {**posted_as_shown(page), "groups": [str(group.pk) for group in groups]}
    response = client.post(url(document), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_recovering_a_deleted_group_links_its_documents_activities_and_coordinators_again(
    secretariat_client, cusco, lima
):
    report, mapping, guide, annex = (factories.make_document(groups=[cusco]) for _ in range(4))
    link_on_the_documents_page(secretariat_client, guide, [cusco, lima])
    activity = factories.make_activity(group=cusco)
    activity.documents.set([report, annex])
    ana, luis = factories.make_coordinator(groups=[cusco]), factories.make_coordinator(groups=[cusco, lima])
    save_group_page(secretariat_client, cusco, vision_es="Una visión.")
    # Linked after the group's last save: the version saved when it is deleted still has it.
    late = factories.make_document()
    link_on_the_documents_page(secretariat_client, late, [cusco])

    response = secretariat_client.post(url(cusco, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not WorkingGroup.objects.filter(pk=cusco.pk).exists()
    assert list(guide.groups.all()) == [lima] and not ana.coordinated_groups.exists()
    assert deleted_version(WorkingGroup, cusco.pk).revision.comment == "Deleted."

    recover(secretariat_client, WorkingGroup, deleted_version(WorkingGroup, cusco.pk))

    group = WorkingGroup.objects.get(pk=cusco.pk)
    assert set(group.documents.all()) == {report, mapping, guide, annex, late}
    assert set(guide.groups.all()) == {cusco, lima}
    assert set(Activity.objects.get(pk=activity.pk).documents.all()) == {report, annex}
    assert set(group.coordinators.all()) == {ana, luis}
    assert set(luis.coordinated_groups.all()) == {cusco, lima}
    # The coordinator is back at work on it.
    client = Client()
    client.force_login(ana)
    assert client.get(url(group)).status_code == 200
    assert client.get(url(report)).status_code == 200


def test_a_link_to_a_record_deleted_since_is_left_out(secretariat_client, cusco):
    kept, gone = factories.make_document(groups=[cusco]), factories.make_document(groups=[cusco])
    activity = factories.make_activity(group=cusco)
    activity.documents.set([kept, gone])
    staying, leaving = factories.make_coordinator(groups=[cusco]), factories.make_coordinator(groups=[cusco])
    secretariat_client.post(url(cusco, "delete"), {"post": "yes"})
    Document.objects.filter(pk=gone.pk).delete()
    leaving.delete()

    recover(secretariat_client, WorkingGroup, deleted_version(WorkingGroup, cusco.pk))

    group = WorkingGroup.objects.get(pk=cusco.pk)
    assert list(group.documents.all()) == [kept]
    assert list(group.coordinators.all()) == [staying]
    assert list(Activity.objects.get(pk=activity.pk).documents.all()) == [kept]


def test_recovering_a_deleted_document_links_it_again_to_its_groups_and_the_activities_that_linked_it(
    secretariat_client, cusco, lima
):
    document = factories.make_document(groups=[cusco, lima], title_es="Modelo peruano")
    ours, theirs = factories.make_activity(group=cusco), factories.make_activity(group=lima)
    for activity in (ours, theirs):
        activity.documents.add(document)

    assert secretariat_client.post(url(document, "delete"), {"post": "yes"}).status_code == 302
    assert not ours.documents.exists() and not theirs.documents.exists()
    recover(secretariat_client, Document, deleted_version(Document, document.pk))

    document = Document.objects.get(pk=document.pk)
    assert set(document.groups.all()) == {cusco, lima}
    assert set(document.activities.all()) == {ours, theirs}


def test_bulk_deleted_documents_come_back_one_at_a_time(secretariat_client, cusco):
    first, second = factories.make_document(groups=[cusco]), factories.make_document(groups=[cusco])
    response = secretariat_client.post(
        "/admin/documents/document/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Document.objects.exists()
    recover(secretariat_client, Document, deleted_version(Document, first.pk))
    assert list(Document.objects.all()) == [first]
    assert list(first.groups.all()) == [cusco]


def test_reverting_a_group_brings_back_its_activities_links_and_leaves_links_edited_elsewhere(
    secretariat_client, cusco, lima
):
    old, new = factories.make_document(groups=[cusco]), factories.make_document()
    activity = factories.make_activity(group=cusco)
    activity.documents.set([old])
    coordinator = factories.make_coordinator(groups=[cusco])
    save_group_page(secretariat_client, cusco, vision_es="Primera visión.")
    before = versions_of(cusco).first()
    assert version_format.stored_links(before) == {
        "documents": [old.pk],
        "coordinators": [coordinator.pk],
    }
    # The group's page changes its activity's documents; the documents' pages, its documents; the
    # secretariat, its coordinators.
    save_group_page(
        secretariat_client, cusco, vision_es="Otra visión.", **{"activities-0-documents": [new.pk]}
    )
    link_on_the_documents_page(secretariat_client, new, [cusco])
    link_on_the_documents_page(secretariat_client, old, [lima])
    colleague = factories.make_coordinator()
    cusco.coordinators.set([colleague])

    revert(secretariat_client, cusco, before)

    cusco.refresh_from_db()
    assert cusco.vision_es == "Primera visión."
    assert list(Activity.objects.get(pk=activity.pk).documents.all()) == [old]
    # Edited on other pages, or who may edit: as they are now.
    assert list(cusco.documents.all()) == [new]
    assert list(old.groups.all()) == [lima]
    assert list(cusco.coordinators.all()) == [colleague]


def test_a_coordinator_reverting_their_group_does_not_get_back_a_document_taken_off_it(
    secretariat_client, cusco, lima
):
    draft = factories.make_document(groups=[cusco], status="draft", title_es="Borrador reservado")
    coordinator = factories.make_coordinator(groups=[cusco])
    client = Client()
    client.force_login(coordinator)
    save_group_page(client, cusco, vision_es="Primera visión.")
    before = versions_of(cusco).first()
    save_group_page(client, cusco, vision_es="Otra visión.")
    # The secretariat hands the draft over to Lima.
    link_on_the_documents_page(secretariat_client, draft, [lima])

    revert(client, cusco, before)

    cusco.refresh_from_db()
    assert cusco.vision_es == "Primera visión."
    assert list(draft.groups.all()) == [lima]
    assert client.get(url(draft)).status_code == 404
    assert list(cusco.coordinators.all()) == [coordinator]


def test_a_version_of_a_group_or_a_document_holds_its_links_from_the_other_end(secretariat_client, cusco):
    document = factories.make_document(groups=[cusco])
    activity = factories.make_activity(group=cusco)
    activity.documents.add(document)
    coordinator = factories.make_coordinator(groups=[cusco])
    save_group_page(secretariat_client, cusco)
    link_on_the_documents_page(secretariat_client, document, [cusco])

    group_version = versions_of(cusco).first()
    assert "coordinators" not in group_version.field_dict  # not a field a revert writes back
    assert version_format.stored_links(group_version) == {
        "documents": [document.pk],
        "coordinators": [coordinator.pk],
    }
    document_version = Version.objects.get_for_object(document).first()
    assert document_version.field_dict["groups"] == [cusco.pk]
    assert version_format.stored_links(document_version) == {"activities": [activity.pk]}
