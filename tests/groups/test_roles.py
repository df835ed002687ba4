"""Back office roles: the secretariat edits all content and no accounts; a group coordinator edits only
their groups."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from documents.models import Document
from groups import roles

pytestmark = pytest.mark.django_db


def permission_names(group_name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related("content_type")
    }


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
