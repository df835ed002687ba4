"""Back office roles: the secretariat edits all content and no accounts; a group coordinator edits only
their groups. Each forbidden edit is tried the way an attacker would: by URL and by POST, not by looking for
links."""

import io

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.http import Http404
from django.test import Client, RequestFactory

from contacts.models import Contact
from documents.models import Document
from groups import roles
from groups.models import Activity, Membership, Objective, WorkingGroup
from groups.permissions import GroupScopedAdminMixin
from tests import factories

pytestmark = pytest.mark.django_db

GROUPS_URL = "/admin/groups/workinggroup/"


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def html(response):
    return response.content.decode()


def permission_names(group_name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related("content_type")
    }


def form_data(page):
    """What a browser posts back from an admin change page left as it is: the form and every inline row."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.FileField) or value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
    return data


def changelist_rows(response):
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def peru():
    return factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")


@pytest.fixture
def cusco(peru):
    return factories.make_group(
        country=peru,
        slug="cusco",
        name_es="Grupo de Cusco",
        name_en="Cusco Working Group",
        location_es="Cusco",
    )


@pytest.fixture
def lima(peru):
    return factories.make_group(
        country=peru, slug="lima", name_es="Grupo de Lima", name_en="Lima Working Group", location_es="Lima"
    )


@pytest.fixture
def coordinator(cusco):
    return factories.make_coordinator(groups=[cusco], username="coordinadora-cusco")


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def secretariat_client():
    client = Client()
    client.force_login(factories.make_secretariat_user())
    return client


# --- The roles ---------------------------------------------------------------------------------------------


def content_permissions():
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(content_type__app_label__in=roles.CONTENT_APPS).select_related(
            "content_type"
        )
    }


def test_migrate_leaves_both_roles_in_the_database():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Secretariat", "Group coordinators"}


def test_the_secretariat_holds_every_content_permission_and_none_on_accounts():
    secretariat = permission_names(roles.SECRETARIAT)
    assert secretariat == content_permissions()
    assert "groups.edit_all_groups" in secretariat
    for model in ["workinggroup", "country", "pillar", "organization", "objective", "activity", "membership"]:
        assert {f"groups.{action}_{model}" for action in roles.ALL_ACTIONS} <= secretariat
    assert {f"contacts.{action}_contact" for action in roles.ALL_ACTIONS} <= secretariat
    assert {f"documents.{action}_document" for action in roles.ALL_ACTIONS} <= secretariat
    assert not {name for name in secretariat if name.split(".")[0] in {"auth", "admin", "contenttypes"}}


def test_a_coordinator_edits_group_content_and_only_reads_what_groups_share():
    coordinators = permission_names(roles.GROUP_COORDINATORS)
    every = roles.ALL_ACTIONS
    expected = {
        "groups.view_country",
        "groups.view_pillar",
        "groups.view_organization",
        "groups.add_organization",
        "groups.view_workinggroup",
        "groups.change_workinggroup",
        *(
            f"groups.{action}_{model}"
            for model in ["objective", "activity", "membership"]
            for action in every
        ),
        *(f"contacts.{action}_contact" for action in every),
        *(f"documents.{action}_document" for action in every),
        "documents.view_documenttype",
    }
    assert {name for name in coordinators if not name.startswith("documents.")} == {
        name for name in expected if not name.startswith("documents.")
    }
    # The documents app is being reshaped: whatever else it holds, a document is theirs, a type is shared.
    assert {name for name in expected if name.startswith("documents.")} <= coordinators
    assert not {"documents.add_documenttype", "documents.change_documenttype"} & coordinators
    assert "groups.edit_all_groups" not in coordinators
    assert not {name for name in coordinators if name.startswith(("auth.", "admin.", "contenttypes."))}


def test_every_documents_model_that_belongs_to_groups_is_a_coordinators_to_edit():
    coordinators = permission_names(roles.GROUP_COORDINATORS)
    for model in Document._meta.apps.get_app_config("documents").get_models():
        actions = roles.ALL_ACTIONS if roles.belongs_to_groups(model) else ("view",)
        granted = {a for a in roles.ALL_ACTIONS if f"documents.{a}_{model._meta.model_name}" in coordinators}
        assert granted == set(actions), model


def test_each_model_of_groups_and_contacts_has_a_decided_place_in_the_coordinators_role():
    models = {
        model._meta.label_lower
        for app_label in ("groups", "contacts")
        for model in Document._meta.apps.get_app_config(app_label).get_models()
    }
    assert set(roles.COORDINATOR_ACTIONS) == models, (
        "add new models to COORDINATOR_ACTIONS in groups/roles.py"
    )


def setup_roles():
    out = io.StringIO()
    call_command("setup_roles", stdout=out)
    return out.getvalue()


def test_setup_roles_is_idempotent_and_puts_back_what_was_changed_by_hand():
    before = {name: permission_names(name) for name in (roles.SECRETARIAT, roles.GROUP_COORDINATORS)}
    secretariat_count = len(before[roles.SECRETARIAT])
    coordinator_count = len(before[roles.GROUP_COORDINATORS])

    assert setup_roles().splitlines() == [
        f"Secretariat: {secretariat_count} permissions (unchanged)",
        f"Group coordinators: {coordinator_count} permissions (unchanged)",
        "2 roles set up, 0 created or updated.",
    ]

    # Someone gives the secretariat user management in the admin, and deletes the coordinators' role.
    secretariat = Group.objects.get(name=roles.SECRETARIAT)
    secretariat.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="add_user"))
    Group.objects.get(name=roles.GROUP_COORDINATORS).delete()
    assert setup_roles().splitlines() == [
        f"Secretariat: {secretariat_count} permissions (updated)",
        f"Group coordinators: {coordinator_count} permissions (created)",
        "2 roles set up, 2 created or updated.",
    ]
    assert {name: permission_names(name) for name in before} == before
    assert "unchanged" in setup_roles() and "0 created or updated" in setup_roles()
    assert Group.objects.filter(name__in=before).count() == 2


def test_the_groups_a_user_may_edit():
    cusco, lima = factories.make_group(), factories.make_group()
    editable_by = WorkingGroup.objects.editable_by
    assert set(editable_by(factories.make_superuser())) == {cusco, lima}
    assert set(editable_by(factories.make_secretariat_user())) == {cusco, lima}
    assert set(editable_by(factories.make_coordinator(groups=[cusco]))) == {cusco}
    assert set(editable_by(factories.make_coordinator())) == set()
    assert set(editable_by(factories.make_coordinator(groups=[cusco], is_active=False))) == set()
    # A queryset method: it narrows what it is called on.
    coordinator = factories.make_coordinator(groups=[cusco, lima])
    assert list(WorkingGroup.objects.filter(pk=lima.pk).editable_by(coordinator)) == [lima]
    # As a subquery: one query, however many groups.
    contact = factories.make_contact(group=cusco)
    factories.make_contact(group=lima)
    coordinator = factories.make_coordinator(groups=[cusco])
    assert list(Contact.objects.filter(group__in=editable_by(coordinator))) == [contact]


# --- The secretariat ---------------------------------------------------------------------------------------


def test_the_secretariat_edits_every_group(secretariat_client, cusco, lima):
    assert set(changelist_rows(secretariat_client.get(GROUPS_URL))) == {cusco, lima}
    for group in (cusco, lima):
        page = secretariat_client.get(change_url(group))
        data = {**form_data(page), "vision_es": f"Nueva visión de {group.location_es}."}
        response = secretariat_client.post(change_url(group), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        group.refresh_from_db()
        assert group.vision_es == f"Nueva visión de {group.location_es}."


def test_the_secretariat_chooses_a_groups_coordinators_among_staff(secretariat_client, cusco):
    staff = factories.make_user(is_staff=True, username="ana")
    factories.make_user(username="visitante")  # not staff: cannot sign in to the back office
    page = secretariat_client.get(change_url(cusco))
    field = page.context["adminform"].form.fields["coordinators"]
    assert "visitante" not in {user.username for user in field.queryset}
    assert staff in field.queryset

    response = secretariat_client.post(change_url(cusco), {**form_data(page), "coordinators": [staff.pk]})
    assert response.status_code == 302
    assert list(cusco.coordinators.all()) == [staff]


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/"])
def test_the_secretariat_cannot_open_user_management(secretariat_client, url):
    assert secretariat_client.get(url).status_code == 403


def test_the_secretariat_cannot_add_a_user_nor_change_one(secretariat_client):
    users = get_user_model().objects
    before = users.count()
    response = secretariat_client.post(
        "/admin/auth/user/add/",
        {"username": "intrusa", "password1": "a-long-pass-9876", "password2": "a-long-pass-9876"},
    )
    assert response.status_code == 403
    assert users.count() == before

    colleague = factories.make_user(is_staff=True)
    response = secretariat_client.post(
        f"/admin/auth/user/{colleague.pk}/change/", {"username": colleague.username, "is_superuser": "on"}
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert not colleague.is_superuser


# --- A group coordinator: their own group ------------------------------------------------------------------


def test_a_coordinator_lists_only_their_group(coordinator_client, cusco, lima):
    response = coordinator_client.get(GROUPS_URL)
    assert changelist_rows(response) == [cusco]
    assert lima.name_en not in html(response) and lima.name_es not in html(response)
    assert changelist_rows(coordinator_client.get(GROUPS_URL, {"q": "Lima"})) == []


def test_a_coordinator_edits_their_group(coordinator_client, cusco):
    page = coordinator_client.get(change_url(cusco))
    assert page.status_code == 200
    data = {**form_data(page), "vision_es": "Seguridad y derechos humanos en Cusco.", "status": "draft"}
    response = coordinator_client.post(change_url(cusco), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cusco.refresh_from_db()
    assert (cusco.vision_es, cusco.status) == ("Seguridad y derechos humanos en Cusco.", "draft")


def test_a_coordinator_edits_their_groups_objectives_activities_memberships_and_contacts(
    coordinator_client, cusco
):
    objective = factories.make_objective(group=cusco)
    activity = factories.make_activity(group=cusco)
    membership = factories.make_membership(group=cusco)
    contact = factories.make_contact(group=cusco)
    page = coordinator_client.get(change_url(cusco))
    data = {
        **form_data(page),
        "objectives-0-text_es": "Objetivo revisado",
        "activities-0-title_es": "Actividad revisada",
        "memberships-0-representative": "Rosa Huamán",
        "contacts-0-person": "Ana Quispe",
    }
    response = coordinator_client.post(change_url(cusco), data)
    assert response.status_code == 302
    for obj in (objective, activity, membership, contact):
        obj.refresh_from_db()
    assert objective.text_es == "Objetivo revisado"
    assert activity.title_es == "Actividad revisada"
    assert membership.representative == "Rosa Huamán"
    assert contact.person == "Ana Quispe"


# --- A group coordinator: another group --------------------------------------------------------------------


def test_another_groups_page_is_not_found_by_url(coordinator_client, lima):
    for url in (change_url(lima), f"{GROUPS_URL}{lima.pk}/history/", f"{GROUPS_URL}{lima.pk}/delete/"):
        assert coordinator_client.get(url).status_code == 404, url


def test_another_group_cannot_be_changed_by_post(coordinator_client, cusco, lima):
    # The form of their own group, with another group's address: a forged request.
    page = coordinator_client.get(change_url(cusco))
    data = {**form_data(page), "name_es": "Grupo tomado", "vision_es": "Tomado."}
    before = WorkingGroup.objects.filter(pk=lima.pk).values().get()

    assert coordinator_client.post(change_url(lima), data).status_code == 404
    assert coordinator_client.post(f"{GROUPS_URL}{lima.pk}/delete/", {"post": "yes"}).status_code == 404
    assert WorkingGroup.objects.filter(pk=lima.pk).values().get() == before


def test_a_coordinator_cannot_delete_their_group(coordinator_client, cusco):
    delete_url = f"{GROUPS_URL}{cusco.pk}/delete/"
    assert coordinator_client.get(delete_url).status_code == 403
    assert coordinator_client.post(delete_url, {"post": "yes"}).status_code == 403
    coordinator_client.post(
        GROUPS_URL, {"action": "delete_selected", "_selected_action": [cusco.pk], "post": "yes"}
    )
    assert WorkingGroup.objects.filter(pk=cusco.pk).exists()


def test_a_coordinator_cannot_add_a_group(coordinator_client, peru, cusco):
    assert coordinator_client.get(f"{GROUPS_URL}add/").status_code == 403
    data = {"country": peru.pk, "name_es": "Grupo nuevo", "slug": "nuevo", "location_es": "Arequipa"}
    assert coordinator_client.post(f"{GROUPS_URL}add/", data).status_code == 403
    assert list(WorkingGroup.objects.all()) == [cusco]


def test_a_coordinator_cannot_choose_coordinators(coordinator_client, coordinator, cusco):
    page = coordinator_client.get(change_url(cusco))
    assert "coordinators" not in page.context["adminform"].form.fields
    assert coordinator.username in html(page)  # shown, read-only
    friend = factories.make_user(is_staff=True)
    response = coordinator_client.post(change_url(cusco), {**form_data(page), "coordinators": [friend.pk]})
    assert response.status_code == 302
    assert list(cusco.coordinators.all()) == [coordinator]


# A Cusco row of each inline, and a field of it to change.
INLINE_ROWS = {
    "objectives": (factories.make_objective, "text_es"),
    "activities": (factories.make_activity, "title_es"),
    "memberships": (factories.make_membership, "representative"),
    "contacts": (factories.make_contact, "person"),
}


@pytest.mark.parametrize("prefix", INLINE_ROWS)
def test_another_groups_row_cannot_be_changed_through_their_groups_inline(
    coordinator_client, cusco, lima, prefix
):
    make, field = INLINE_ROWS[prefix]
    own, theirs = make(group=cusco), make(group=lima)
    page = coordinator_client.get(change_url(cusco))
    data = form_data(page)
    assert data[f"{prefix}-0-id"] == str(own.pk) and f"{prefix}-0-{field}" in data
    # The row's id is replaced by the id of Lima's row: the inline must not reach outside Cusco.
    data.update({f"{prefix}-0-id": str(theirs.pk), f"{prefix}-0-{field}": "Forjado"})
    before = type(theirs).objects.filter(pk=theirs.pk).values().get()

    coordinator_client.post(change_url(cusco), data)

    assert type(theirs).objects.filter(pk=theirs.pk).values().get() == before
    own.refresh_from_db()
    assert getattr(own, field) != "Forjado"


# --- A group coordinator: the standalone lists of activities, memberships and contacts ---------------------


def activity_fields(group):
    return {"group": group.pk, "title_es": "Taller nuevo", "kind": "training", "order": "0"}


def membership_fields(group):
    return {
        "group": group.pk,
        "organization": factories.make_organization().pk,
        "pillar": factories.make_pillar().pk,
        "role": "member",
        "is_public": "on",
    }


def contact_fields(group):
    return {
        "group": group.pk,
        "person": "Persona nueva",
        "role": "contact",
        "emails": "nueva@example.org",
        "is_public": "on",
        "order": "0",
    }


STANDALONE = {
    "activity": (Activity, factories.make_activity, activity_fields),
    "membership": (Membership, factories.make_membership, membership_fields),
    "contact": (Contact, factories.make_contact, contact_fields),
}


def standalone_url(model):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


@pytest.mark.parametrize("name", STANDALONE)
def test_a_coordinator_adds_to_their_group_and_not_to_another(coordinator_client, cusco, lima, name):
    model, _, fields = STANDALONE[name]
    add_url = f"{standalone_url(model)}add/"

    response = coordinator_client.post(add_url, fields(lima))
    assert response.status_code == 200
    assert "group" in response.context["adminform"].form.errors
    assert not model.objects.exists()

    response = coordinator_client.post(add_url, fields(cusco))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(model.objects.values_list("group", flat=True)) == [cusco.pk]


@pytest.mark.parametrize("name", STANDALONE)
def test_a_coordinator_neither_sees_nor_reaches_another_groups_rows(coordinator_client, cusco, lima, name):
    model, make, _ = STANDALONE[name]
    own, theirs = make(group=cusco), make(group=lima)
    url = standalone_url(model)

    response = coordinator_client.get(url)
    assert changelist_rows(response) == [own]
    assert lima.name_en not in html(response) and lima.name_es not in html(response)  # nor in the filters
    assert coordinator_client.get(change_url(own)).status_code == 200
    for path in (change_url(theirs), f"{url}{theirs.pk}/delete/", f"{url}{theirs.pk}/history/"):
        assert coordinator_client.get(path).status_code == 404, path


@pytest.mark.parametrize("name", STANDALONE)
def test_a_coordinator_cannot_change_delete_or_take_another_groups_rows_by_post(
    coordinator_client, cusco, lima, name
):
    model, make, fields = STANDALONE[name]
    own, theirs = make(group=cusco), make(group=lima)
    url = standalone_url(model)
    before = model.objects.filter(pk=theirs.pk).values().get()

    assert coordinator_client.post(change_url(theirs), fields(cusco)).status_code == 404
    assert coordinator_client.post(f"{url}{theirs.pk}/delete/", {"post": "yes"}).status_code == 404
    coordinator_client.post(
        url, {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=theirs.pk).values().get() == before

    # Nor move their own row into another group.
    page = coordinator_client.get(change_url(own))
    response = coordinator_client.post(change_url(own), {**form_data(page), "group": lima.pk})
    assert "group" in response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.group == cusco


@pytest.mark.parametrize(
    "source",
    [("contacts", "contact", "group"), ("groups", "activity", "group"), ("documents", "document", "groups")],
)
def test_the_group_autocomplete_offers_a_coordinator_only_their_groups(
    coordinator_client, cusco, lima, source
):
    app_label, model_name, field_name = source
    for term in ("", "Grupo", "Lima"):
        response = coordinator_client.get(
            "/admin/autocomplete/",
            {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
        )
        assert response.status_code == 200
        assert [result["id"] for result in response.json()["results"]] == (
            [] if term == "Lima" else [str(cusco.pk)]
        )


def test_the_country_page_shows_a_coordinator_only_their_groups(coordinator_client, peru, cusco, lima):
    page = coordinator_client.get(change_url(peru))
    assert page.status_code == 200
    [groups_inline] = page.context["inline_admin_formsets"]
    assert [form.instance for form in groups_inline.formset.forms] == [cusco]


def test_a_coordinator_of_no_group_can_add_nothing(cusco):
    client = Client()
    client.force_login(factories.make_coordinator())
    assert changelist_rows(client.get(GROUPS_URL)) == []
    for model in (Activity, Membership, Contact):
        assert client.get(f"{standalone_url(model)}add/").status_code == 403


# --- The mixin on a many-to-many group field, as the documents admin will use it ---------------------------


class ScopedDocumentAdmin(GroupScopedAdminMixin, admin.ModelAdmin):
    group_path = "groups"
    fields = ("title", "slug", "document_type", "groups")


@pytest.fixture
def document_admin():
    return ScopedDocumentAdmin(Document, admin.AdminSite(name="scoped-documents"))


def request_by(user, data=None):
    request = RequestFactory().post("/", data) if data is not None else RequestFactory().get("/")
    request.user = user
    return request


def save(document_admin, user, document, **changes):
    form_class = document_admin.get_form(request_by(user), document, change=True)
    data = {
        "title": document.title,
        "slug": document.slug,
        "document_type": document.document_type_id,
        "groups": [group.pk for group in document.groups.all()],
        **changes,
    }
    form = form_class(data, instance=document)
    if not form.is_valid():
        return form.errors
    request = request_by(user, data)
    document_admin.save_model(request, form.save(commit=False), form, change=True)
    document_admin.save_related(request, form, [], change=True)
    return None


def test_documents_a_coordinator_sees_are_those_of_their_groups_each_once(document_admin, cusco, lima):
    coordinator = factories.make_coordinator(groups=[cusco])
    own = factories.make_document(groups=[cusco])
    shared = factories.make_document(groups=[cusco, lima])
    theirs = factories.make_document(groups=[lima])
    request = request_by(coordinator)

    assert sorted(document_admin.get_queryset(request), key=lambda d: d.pk) == [own, shared]
    assert document_admin.has_change_permission(request, shared)
    assert not document_admin.has_view_permission(request, theirs)
    assert not document_admin.has_change_permission(request, theirs)
    with pytest.raises(Http404):
        document_admin.get_object(request, str(theirs.pk))
    # Deleting a document also in another group's list is for the secretariat.
    assert document_admin.has_delete_permission(request, own)
    assert not document_admin.has_delete_permission(request, shared)
    secretariat = request_by(factories.make_secretariat_user())
    assert document_admin.has_delete_permission(secretariat, shared)
    assert set(document_admin.get_queryset(secretariat)) == {own, shared, theirs}


def test_a_coordinator_files_documents_only_under_their_groups_and_keeps_the_others(
    document_admin, cusco, lima
):
    coordinator = factories.make_coordinator(groups=[cusco])
    shared = factories.make_document(groups=[cusco, lima])

    form = document_admin.get_form(request_by(coordinator), shared, change=True)
    assert list(form.base_fields["groups"].queryset) == [cusco]
    assert "groups" in save(document_admin, coordinator, shared, groups=[lima.pk])

    # Their own group taken off the document: Lima's stays, although the form never offered it.
    assert save(document_admin, coordinator, shared, groups=[]) is None
    assert set(shared.groups.all()) == {lima}

    own = factories.make_document(groups=[cusco])
    assert "groups" in save(document_admin, coordinator, own, groups=[])  # would vanish from their lists
    assert set(own.groups.all()) == {cusco}
    new_document_form = document_admin.get_form(request_by(coordinator), None)
    assert new_document_form.base_fields["groups"].required


def test_every_admin_of_group_content_is_scoped_to_the_coordinators_groups():
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if (model is WorkingGroup or roles.belongs_to_groups(model))
        and model._meta.app_label != "documents"
        and not isinstance(model_admin, GroupScopedAdminMixin)
    ]
    assert unscoped == []
    assert Objective not in admin.site._registry  # edited only inside its group's page, which is scoped


def test_the_documents_admins_are_scoped_to_the_coordinators_groups():
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "documents"
        and roles.belongs_to_groups(model)
        and not isinstance(model_admin, GroupScopedAdminMixin)
    ]
    assert unscoped == []


def test_in_the_real_documents_admin_a_coordinator_reaches_only_their_groups_documents(
    coordinator_client, secretariat_client, cusco, lima
):
    ours = factories.make_document(
        groups=[cusco], title_es="Mapeo de actores de Cusco", title_en="Cusco mapping"
    )
    theirs = factories.make_document(groups=[lima], title_es="Modelo peruano", title_en="Peruvian model")
    listing = html(coordinator_client.get("/admin/documents/document/"))
    assert "Cusco mapping" in listing or "Mapeo de actores de Cusco" in listing
    assert "Peruvian model" not in listing and "Modelo peruano" not in listing
    assert coordinator_client.get(change_url(ours)).status_code == 200
    assert coordinator_client.get(change_url(theirs)).status_code == 404
    delete = f"/admin/documents/document/{theirs.pk}/delete/"
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == 404
    assert Document.objects.filter(pk=theirs.pk).exists()
    # The secretariat still reaches both.
    assert secretariat_client.get(change_url(theirs)).status_code == 200


def test_draft_previews_follow_the_role(coordinator_client, secretariat_client, client, cusco, lima):
    WorkingGroup.objects.filter(pk__in=[cusco.pk, lima.pk]).update(status="draft")
    draft_document = factories.make_document(groups=[lima], status="draft", title_en="Lima draft report")
    lima_page, cusco_page = lima.get_absolute_url(), cusco.get_absolute_url()
    # A visitor sees neither draft; a coordinator previews their own group only; the secretariat both.
    assert client.get(cusco_page).status_code == 404
    assert coordinator_client.get(cusco_page).status_code == 200
    assert coordinator_client.get(lima_page).status_code == 404
    assert coordinator_client.get(draft_document.get_absolute_url()).status_code == 404
    assert secretariat_client.get(lima_page).status_code == 200
    assert secretariat_client.get(draft_document.get_absolute_url()).status_code == 200
