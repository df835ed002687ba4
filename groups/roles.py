"""The back office's roles, defined here in code and written to the database by ``ensure_roles()``.

Each role is a django.contrib.auth group whose permissions are set to exactly what this module derives, after
every ``migrate`` and ``flush`` (groups/apps.py) and by ``manage.py setup_roles``. Change a role here, not in
the admin: a permission added to a role by hand is taken away again at the next migration. A superuser gives
someone a role by adding them to its group (and, for a coordinator, choosing them on their groups' pages).

- **Secretariat**: every permission on the content (the groups, documents and contacts apps) — so it edits
  every working group (``groups.edit_all_groups``) — and none on accounts: it manages no users.
- **Group coordinators**: edit the working groups they coordinate and what belongs to them
  (groups/permissions.py narrows the admin to those groups); read the shared lists (countries, pillars,
  organizations, document types) and may add an organization.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router

SECRETARIAT = "Secretariat"
GROUP_COORDINATORS = "Group coordinators"

CONTENT_APPS = ("groups", "documents", "contacts")
ALL_ACTIONS = ("add", "change", "delete", "view")

# What a coordinator may do with each model of the groups and contacts apps. A model missing from this list is
# closed to coordinators (a test makes sure none is forgotten).
COORDINATOR_ACTIONS = {
    "groups.country": ("view",),
    "groups.pillar": ("view",),
    # Shared by every group: a coordinator may add a new member organization, not rename or delete anyone's.
    "groups.organization": ("view", "add"),
    # Their own groups' pages; creating and deleting groups is the secretariat's.
    "groups.workinggroup": ("view", "change"),
    "groups.objective": ALL_ACTIONS,
    "groups.activity": ALL_ACTIONS,
    "groups.membership": ALL_ACTIONS,
    "contacts.contact": ALL_ACTIONS,
}
# The documents app is being reshaped: its models are read from the app, not listed. Those that belong to
# groups (documents, a document's files) are a coordinator's to edit; shared vocabularies (document types)
# are read-only, as pillars are.
COORDINATOR_DERIVED_APPS = ("documents",)


def edits_every_group(user):
    """Whether ``user`` edits every working group (superusers and the secretariat), not only those they
    coordinate. has_perm is True for active superusers and False for anonymous or inactive users."""
    return user.has_perm("groups.edit_all_groups")


@dataclass
class Role:
    name: str
    permission_count: int
    outcome: str  # "created", "updated" or "unchanged"


def belongs_to_groups(model, _seen=frozenset()):
    """Whether ``model``'s records belong to working groups: it points at WorkingGroup, or (like a document's
    files) has a foreign key to a model that does."""
    for field in [*model._meta.fields, *model._meta.many_to_many]:
        related = field.related_model
        if related is None:
            continue
        if related._meta.label_lower == "groups.workinggroup":
            return True
        if field.many_to_one and related not in _seen and belongs_to_groups(related, _seen | {model}):
            return True
    return False


def _content_models(apps, app_labels):
    for app_label in app_labels:
        try:
            app_config = apps.get_app_config(app_label)
        except LookupError:  # not migrated yet
            continue
        yield from app_config.get_models()


def secretariat_models(apps=global_apps):
    """{(app_label, model_name)}: the secretariat holds every permission of these models, whatever it is."""
    return {(model._meta.app_label, model._meta.model_name) for model in _content_models(apps, CONTENT_APPS)}


def coordinator_permissions(apps=global_apps):
    """{(app_label, codename)} of the coordinators' permissions."""
    present = {model._meta.label_lower for model in _content_models(apps, CONTENT_APPS)}
    codenames = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in COORDINATOR_ACTIONS.items()
        if label in present
        for action in actions
    }
    for model in _content_models(apps, COORDINATOR_DERIVED_APPS):
        actions = ALL_ACTIONS if belongs_to_groups(model) else ("view",)
        codenames |= {(model._meta.app_label, f"{action}_{model._meta.model_name}") for action in actions}
    return codenames


def ensure_roles(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the roles, or bring their permissions back to what this module says. Returns [Role, …].

    ``apps`` is the model registry to use: the project's, or the migration state a post_migrate signal gives.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # After a migrate, post_migrate reaches the groups app before documents and contacts, whose permissions
    # may not exist yet: make them now (it adds only what is missing).
    for app_label in CONTENT_APPS:
        try:
            apps.get_app_config(app_label)
        except LookupError:
            continue
        create_permissions(global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps)

    content = list(
        Permission.objects.using(using)
        .filter(content_type__app_label__in=CONTENT_APPS)
        .select_related("content_type")
    )
    models = secretariat_models(apps)
    coordinator_codenames = coordinator_permissions(apps)
    wanted = {
        SECRETARIAT: [p for p in content if (p.content_type.app_label, p.content_type.model) in models],
        GROUP_COORDINATORS: [
            p for p in content if (p.content_type.app_label, p.codename) in coordinator_codenames
        ],
    }
    found = {(p.content_type.app_label, p.codename) for p in wanted[GROUP_COORDINATORS]}
    if missing := coordinator_codenames - found:
        raise LookupError(f"permissions missing from the database: {sorted(missing)}")

    roles = []
    for name, permissions in wanted.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        before = set(group.permissions.values_list("pk", flat=True))
        after = {permission.pk for permission in permissions}
        if before != after:
            group.permissions.set(permissions)
        outcome = "created" if created else "updated" if before != after else "unchanged"
        roles.append(Role(name, len(after), outcome))
    return roles


def ensure_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate receiver (groups/apps.py): every migrated or flushed database gets the roles."""
    try:
        Group = apps.get_model("auth", "Group")
        apps.get_model("contenttypes", "ContentType")
    except LookupError:  # auth or contenttypes not migrated (yet) on this database
        return
    if router.allow_migrate_model(using, Group):
        ensure_roles(apps=apps, using=using)
