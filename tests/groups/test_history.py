"""History of changes and recovery of deleted records in the back office (groups/history.py): staff go back to
an earlier version and bring back what they deleted by mistake; a coordinator does so only within their own
groups. Forbidden steps are tried by URL and by POST."""

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from contacts.models import Contact
from documents.models import DocumentFile
from groups.models import Activity, Membership, Objective, WorkingGroup
from tests import factories
from tests.groups.test_roles import form_data

pytestmark = pytest.mark.django_db

OLD_VISION = "Diálogo entre Estado, empresas y sociedad civil en Cusco."
NEW_VISION = "Texto equivocado."


def url(obj, view="change"):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/{view}/"


def recover_list_url(model):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/recover/"


def recover_url(model, version):
    return f"{recover_list_url(model)}{version.pk}/"


def revision_url(obj, version):
    return f"{url(obj, 'history')}{version.pk}/"


def versions_of(obj):
    return Version.objects.get_for_object(obj).order_by("-pk")


def deleted_version(model, pk):
    return Version.objects.get_deleted(model).get(object_id=str(pk))


@pytest.fixture
def peru():
    return factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")


@pytest.fixture
def cusco(peru):
    group = factories.make_group(
        country=peru,
        slug="cusco",
        name_es="Grupo de Cusco",
        name_en="Cusco Working Group",
        location_es="Cusco",
        vision_es=OLD_VISION,
    )
    factories.make_objective(group=group, text_es="Prevenir conflictos sociales.")
    factories.make_objective(group=group, text_es="Fortalecer el diálogo.")
    factories.make_activity(group=group)
    factories.make_membership(group=group)
    factories.make_contact(group=group, person="Ana Quispe")
    return group


@pytest.fixture
def lima(peru):
    group = factories.make_group(
        country=peru, slug="lima", name_es="Grupo de Lima", name_en="Lima Working Group", location_es="Lima"
    )
    factories.make_contact(group=group, person="Luis Rojas")
    return group


@pytest.fixture
def initial_revisions(cusco, lima):
    # As `make setup` and deployments do (docs/DEPLOYMENT.md): the first edit has a version to go back to.
    call_command("createinitialrevisions", verbosity=0)


@pytest.fixture
def secretariat_client():
    client = Client()
    client.force_login(factories.make_secretariat_user())
    return client


@pytest.fixture
def coordinator_client(cusco):
    client = Client()
    client.force_login(factories.make_coordinator(groups=[cusco], username="coordinadora-cusco"))
    return client


def save_group_page(client, group, **changes):
    page = client.get(url(group))
    assert page.status_code == 200
    response = client.post(url(group), {**form_data(page), **changes})
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def revert(client, obj, version):
    """Open the version's preview, then save it, as a staff member does."""
    preview = client.get(revision_url(obj, version))
    assert preview.status_code == 200
    response = client.post(revision_url(obj, version), form_data(preview))
    assert response.status_code == 302
    return preview


def recover(client, model, version):
    preview = client.get(recover_url(model, version))
    assert preview.status_code == 200
    response = client.post(recover_url(model, version), form_data(preview))
    assert response.status_code == 302
    return preview


# --- What is versioned -------------------------------------------------------------------------------------


def test_a_groups_version_carries_its_inlines_but_not_its_coordinators(cusco, initial_revisions):
    version = versions_of(cusco).get()
    saved = {v._model for v in version.revision.version_set.all()}
    assert saved == {WorkingGroup, Objective, Activity, Membership, Contact}
    assert "coordinators" not in version.field_dict
    # A document's files are in its versions (and their bytes kept while a version refers to them).
    assert reversion.is_registered(DocumentFile)


# --- Going back to a version -------------------------------------------------------------------------------


def test_the_secretariat_reverts_a_mistaken_edit_of_the_spanish_vision(
    secretariat_client, cusco, initial_revisions
):
    save_group_page(secretariat_client, cusco, vision_es=NEW_VISION)
    cusco.refresh_from_db()
    assert cusco.vision_es == NEW_VISION

    history = secretariat_client.get(url(cusco, "history"))
    assert history.status_code == 200
    entries = history.context["action_list"]
    assert len(entries) == 2  # newest first: the mistaken edit, then the initial version
    assert entries[0]["revision"].user == history.wsgi_request.user
    previous = versions_of(cusco)[1]

    preview = revert(secretariat_client, cusco, previous)
    # The preview shows the old text and changes nothing until saved…
    assert preview.context["adminform"].form.initial["vision_es"] == OLD_VISION
    cusco.refresh_from_db()
    assert cusco.vision_es == OLD_VISION
    # …and the revert is itself a version, so it can be undone too.
    assert versions_of(cusco).count() == 3


def test_a_preview_alone_changes_nothing(secretariat_client, cusco, initial_revisions):
    save_group_page(secretariat_client, cusco, vision_es=NEW_VISION)
    assert secretariat_client.get(revision_url(cusco, versions_of(cusco)[1])).status_code == 200
    cusco.refresh_from_db()
    assert cusco.vision_es == NEW_VISION
    assert versions_of(cusco).count() == 2


def test_reverting_the_group_brings_back_an_objective_deleted_on_its_page(
    secretariat_client, cusco, initial_revisions
):
    objective = cusco.objectives.first()
    page = secretariat_client.get(url(cusco))
    row = next(f for f in page.context["inline_admin_formsets"][0].formset.forms if f.instance == objective)
    response = secretariat_client.post(url(cusco), {**form_data(page), f"{row.prefix}-DELETE": "on"})
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()

    revert(secretariat_client, cusco, versions_of(cusco)[1])
    assert Objective.objects.get(pk=objective.pk).text_es == objective.text_es
    assert cusco.objectives.count() == 2


def test_recovering_a_deleted_group_brings_back_everything_deleted_with_it(
    secretariat_client, cusco, initial_revisions
):
    counts = {
        related: getattr(cusco, related).count()
        for related in ("objectives", "activities", "memberships", "contacts")
    }
    response = secretariat_client.post(url(cusco, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not WorkingGroup.objects.filter(pk=cusco.pk).exists()

    listing = secretariat_client.get(recover_list_url(WorkingGroup))
    assert listing.status_code == 200
    assert "Grupo de Cusco" in listing.content.decode() or "Cusco Working Group" in listing.content.decode()
    recover(secretariat_client, WorkingGroup, deleted_version(WorkingGroup, cusco.pk))

    group = WorkingGroup.objects.get(pk=cusco.pk)
    assert group.vision_es == OLD_VISION
    assert {related: getattr(group, related).count() for related in counts} == counts


def test_a_contact_recovered_alone_leaves_the_groups_later_edits(
    secretariat_client, cusco, initial_revisions
):
    contact = cusco.contacts.get()
    page = secretariat_client.get(url(cusco))
    contacts_formset = next(
        f.formset for f in page.context["inline_admin_formsets"] if f.formset.prefix == "contacts"
    )
    response = secretariat_client.post(
        url(cusco), {**form_data(page), f"{contacts_formset.forms[0].prefix}-DELETE": "on"}
    )
    assert response.status_code == 302
    save_group_page(secretariat_client, cusco, vision_es="Una visión nueva y buena.")

    changelist = secretariat_client.get("/admin/contacts/contact/")
    assert recover_list_url(Contact) in changelist.content.decode()
    assert "Ana Quispe" in secretariat_client.get(recover_list_url(Contact)).content.decode()
    recover(secretariat_client, Contact, deleted_version(Contact, contact.pk))

    assert Contact.objects.get(pk=contact.pk).person == "Ana Quispe"
    cusco.refresh_from_db()
    assert cusco.vision_es == "Una visión nueva y buena."


def test_recovering_a_contact_of_a_deleted_group_says_so_instead_of_failing(
    secretariat_client, cusco, initial_revisions
):
    contact = cusco.contacts.get()
    WorkingGroup.objects.filter(pk=cusco.pk).delete()
    version = deleted_version(Contact, contact.pk)
    preview = secretariat_client.get(recover_url(Contact, version), follow=True)
    assert "Recover that record first" in preview.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_documents_history_says_its_files_are_kept(secretariat_client, cusco):
    document = factories.make_document(groups=[cusco])
    call_command("createinitialrevisions", verbosity=0)
    with_note = secretariat_client.get(url(document, "history")).content.decode()
    assert "keeps a document&#x27;s files too" in with_note or "keeps a document's files too" in with_note


# --- Coordinators ------------------------------------------------------------------------------------------


def test_a_coordinator_reverts_their_own_groups_page(coordinator_client, cusco, initial_revisions):
    save_group_page(coordinator_client, cusco, vision_es=NEW_VISION)
    revert(coordinator_client, cusco, versions_of(cusco)[1])
    cusco.refresh_from_db()
    assert cusco.vision_es == OLD_VISION


def test_a_coordinator_cannot_reach_another_groups_history_or_revert_it(
    coordinator_client, secretariat_client, lima, initial_revisions
):
    save_group_page(secretariat_client, lima, vision_es="Visión de Lima.")
    old = versions_of(lima)[1]
    assert coordinator_client.get(url(lima, "history")).status_code == 404
    assert coordinator_client.get(revision_url(lima, old)).status_code == 404
    page = secretariat_client.get(revision_url(lima, old))
    assert coordinator_client.post(revision_url(lima, old), form_data(page)).status_code == 404
    lima.refresh_from_db()
    assert lima.vision_es == "Visión de Lima."
    # Nor a Lima contact's.
    contact = lima.contacts.get()
    assert coordinator_client.get(url(contact, "history")).status_code == 404
    version = versions_of(contact).first()
    assert coordinator_client.post(revision_url(contact, version), {"person": "Tomado"}).status_code == 404
    assert Contact.objects.get(pk=contact.pk).person == "Luis Rojas"


def test_a_version_of_another_record_cannot_be_reverted_through_ones_own(
    coordinator_client, cusco, lima, initial_revisions
):
    # A contact of Lima's version, asked for under the coordinator's own group's URL.
    lima_version = versions_of(lima.contacts.get()).first()
    assert coordinator_client.get(f"{url(cusco, 'history')}{lima_version.pk}/").status_code == 404
    assert coordinator_client.post(f"{url(cusco, 'history')}{lima_version.pk}/", {}).status_code == 404


@pytest.mark.parametrize("model", [WorkingGroup, Contact, Activity, Membership])
def test_a_coordinator_cannot_list_or_recover_deleted_records(
    model, coordinator_client, secretariat_client, lima, initial_revisions
):
    contact = lima.contacts.get()
    secretariat_client.post(url(lima, "delete"), {"post": "yes"})
    assert coordinator_client.get(recover_list_url(model)).status_code == 403
    assert (
        recover_list_url(model)
        not in coordinator_client.get(recover_list_url(model)[: -len("recover/")]).content.decode()
    )
    version = (
        deleted_version(Contact, contact.pk)
        if model is Contact
        else Version.objects.get_deleted(model).first()
    )
    if version is not None:
        assert coordinator_client.get(recover_url(model, version)).status_code == 403
        assert coordinator_client.post(recover_url(model, version), {"person": "x"}).status_code == 403
    assert not WorkingGroup.objects.filter(pk=lima.pk).exists()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_recover_accepts_only_deleted_records_of_its_own_model(secretariat_client, cusco, initial_revisions):
    live = versions_of(cusco).first()
    assert secretariat_client.get(recover_url(WorkingGroup, live)).status_code == 404
    contact_type = ContentType.objects.get_for_model(Contact)
    contact_version = Version.objects.filter(content_type=contact_type).first()
    assert secretariat_client.get(recover_url(WorkingGroup, contact_version)).status_code == 404


def test_reverting_an_activity_whose_linked_document_was_deleted_says_so_instead_of_failing(cusco):
    staff = Client(raise_request_exception=False)
    staff.force_login(factories.make_secretariat_user())
    document = factories.make_document(groups=[cusco], title_es="Informe borrado")
    with reversion.create_revision():
        activity = factories.make_activity(group=cusco, title_es="Taller")
        activity.documents.add(document)
    first = versions_of(activity).last()
    document.delete()
    preview = staff.get(revision_url(activity, first))
    assert preview.status_code in (200, 302)
    posted = form_data(preview) if preview.status_code == 200 else {}
    saved = staff.post(revision_url(activity, first), posted)
    assert saved.status_code in (200, 302), saved.status_code
    activity.refresh_from_db()
    assert list(activity.documents.all()) == []
