"""The back office's history of changes and recovery of deleted records (django-reversion).

Every save through the admin stores a version of the record. A working group's version carries its objectives,
activities, memberships and contacts, so reverting a group's page brings its inlines back as they were, and
recovering a deleted group brings back what was deleted with it. A contact, activity or membership reverted or
recovered from its own admin page comes back alone: its group's other records keep their later edits.

Links between records (a document's groups, an activity's documents, a group's coordinators) are kept with
the records at both ends: as the many-to-many field of the record whose page edits them (``Document.groups``,
``Activity.documents``), and in the version of the record at the other end, whose deletion removes them (a
group's documents and coordinators, a document's activities: groups/version_format.py).
- Reverting a record brings back what its page edits, links included. Links edited elsewhere stay as they are
  now: reverting a group's texts neither unlinks this week's documents nor links it again to a document
  someone took it off (which would hand its coordinators that document). Nor does it change who coordinates
  the group: that is access control, not content.
- Recovering a deleted record brings back what its deletion removed: its inlines, and every link from either
  end, coordinators included. Deleting through the admin first saves a last version of the record, so it comes
  back as it was when deleted, not as at its last save. A link to a record deleted since (a document, a staff
  account) cannot come back and is left out.
- A stored file (a group's or a country's image) stays in storage while a version refers to it, so that going
  back to that version shows the image again (icwg_portal/media_store.py).

A document's version carries its files (DocumentFile: the language, the stored file and what was read from
it), and a file's bytes stay in storage while any version refers to it (documents/services.py asks
icwg_portal/media_store.py before deleting). So recovering a deleted document brings its files back, bytes
and all, and reverting it brings back the file it had then. `manage.py deleterevisions` and then
`manage.py trim_stored_files` let go of what no version needs any more.

Who may do what (HistoryAdmin):
- History and "revert to this version": whoever may change the record (a coordinator: their own groups'
  records), and only when every record the revert would write belongs, now and in the version, to groups they
  edit.
- "Recover deleted …": only staff who edit every group (superusers and the secretariat). A coordinator would
  otherwise see other groups' deleted records listed.

Each app registers its own models (``register_history``) in its admin module, before its admin classes:
VersionAdmin registers any unregistered model (and its inlines' models, DocumentFile among them) as soon as an
admin class is built, and an app's ``ready()`` comes after the admin has built them all.
"""

from contextlib import contextmanager

from django.contrib.admin.utils import unquote
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from reversion import add_to_revision, create_revision, register, set_comment, set_user
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from groups import version_format
from groups.models import WorkingGroup
from groups.roles import edits_every_group
from icwg_portal.edit_conflicts import EditConflictAdminMixin
from icwg_portal.media_store import discard_on_commit, files_held

# --- What is versioned ------------------------------------------------------------------------------------

# Versions of groups and documents also hold their links from the other side (groups/version_format.py).
serializers.register_serializer(version_format.FORMAT, "groups.version_format")


def register_history(model, *, follow=(), exclude=(), links=()):
    """Keep a version of ``model``'s records at every save through the admin. Called by each app for its own
    models, in its admin module before its admin classes (see the module's docstring).

    ``follow``: the related records a version carries and brings back with the record (a group's inlines, a
    document's files). ``exclude``: fields a revert leaves as they are. ``links``: relations whose links a
    version holds although another record's page edits them (groups/version_format.py).
    """
    version_format.hold_links(model, links)
    register(model, follow=follow, exclude=exclude, format=version_format.FORMAT if links else "json")


# --- Whose records a revert touches ----------------------------------------------------------------------


def groups_of_version(version):
    """Ids of the working groups the record of ``version`` belongs to, in the version and now; None for a
    record that belongs to no group (a country, a pillar…)."""
    model = version._model
    if model is WorkingGroup:
        return {int(version.object_id)}
    fields = [
        field
        for field in (*model._meta.fields, *model._meta.many_to_many)
        if field.related_model is WorkingGroup
    ]
    if not fields:
        return None
    stored = version.field_dict
    ids = set()
    for field in fields:
        value = stored.get(field.name, stored.get(field.attname))
        ids |= set(value or ()) if field.many_to_many else {value}
        current = model._default_manager.filter(pk=version.object_id).values_list(field.name, flat=True)
        ids |= set(current)
    return ids - {None}


def versions_within_reach(user, versions):
    """Whether ``user`` may write back every record of ``versions``."""
    if edits_every_group(user):
        return True
    editable = set(WorkingGroup.objects.editable_by(user).values_list("pk", flat=True))
    for version in versions:
        if version_format.stored_links(version) and not _exists(version):
            # It would come back with its links, other groups' records among them: recovering is the
            # secretariat's.
            return False
        ids = groups_of_version(version)
        if not ids or not ids <= editable:
            return False
    return True


def _exists(version):
    return version._model._base_manager.using(version.db).filter(pk=version.object_id).exists()


# --- Writing a version back ------------------------------------------------------------------------------


class _Restore:
    """Stands in for a version's revision in VersionAdmin's revert and recover views.

    Writes back either the whole revision (a group with its inlines) or only the one version, and turns a
    record that cannot come back (what it belonged to was deleted) into the admin's "could not revert"
    message instead of a server error."""

    def __init__(self, version, whole_revision):
        self.version = version
        self.whole_revision = whole_revision
        self.date_created = version.revision.date_created

    def revert(self, delete=False):
        db = self.version.db
        versions = list(self.version.revision.version_set.all()) if self.whole_revision else [self.version]
        try:
            with transaction.atomic(using=db):
                returning = [version for version in versions if not _exists(version)]
                files_before = self._files_held(versions)
                if self.whole_revision:
                    self.version.revision.revert(delete=delete)
                else:
                    self.version.revert()
                for version in versions:
                    _drop_links_to_deleted_records(version)
                # Records brought back are linked again as they were; those that existed keep their links.
                for version in returning:
                    obj = version._model._base_manager.using(db).filter(pk=version.object_id).first()
                    if obj is not None:
                        version_format.link_again(obj, version_format.stored_links(version))
                # PostgreSQL checks foreign keys at commit: check them now, while the error can be reported.
                connections[db].check_constraints()
                # An image the revert replaced goes once this commits, unless another version refers to it.
                discard_on_commit(files_before - self._files_held(versions))
        except (IntegrityError, ObjectDoesNotExist) as error:
            raise RevertError(
                _(
                    "Could not bring back “%(object)s”: a record it belongs to has been deleted. "
                    "Recover that record first."
                )
                % {"object": self.version.object_repr}
            ) from error

    @staticmethod
    def _files_held(versions):
        by_model = {}
        for version in versions:
            by_model.setdefault(version._model, []).append(version.object_id)
        return {stored for model, pks in by_model.items() for stored in files_held(model, pks)}


def _drop_links_to_deleted_records(version):
    """Take off the record of ``version`` the links its many-to-many fields got back to records deleted since
    the version was saved (a document, a staff account): they cannot come back without them."""
    for field in version._model._meta.local_many_to_many:
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        through._base_manager.using(version.db).filter(**{field.m2m_field_name(): version.object_id}).exclude(
            **{f"{target}__in": field.related_model._base_manager.using(version.db).values("pk")}
        ).delete()


class _RestorableVersion:
    def __init__(self, version, whole_revision):
        self._version = version
        self.revision = _Restore(version, whole_revision)

    def __getattr__(self, name):
        return getattr(self._version, name)


class HistoryAdmin(EditConflictAdminMixin, VersionAdmin):
    """VersionAdmin held to who may edit what (see the module's docstring), refusing a save over a colleague's
    save made since the page was opened (icwg_portal/edit_conflicts.py).

    Put it after the mixins (GroupScopedAdminMixin, BackOfficeMediaMixin, SortableAdminMixin…) and before
    TabbedTranslationAdmin/ModelAdmin among an admin's bases.
    """

    history_latest_first = True
    # True: reverting or recovering a record writes back everything saved with it (a group and its inlines).
    # False: only the record itself (a contact saved as one of its group's inlines).
    revert_whole_revision = True
    history_note = None

    @contextmanager
    def create_revision(self, request):
        # Only a request that may save opens a revision (and its transaction): pages that only show records
        # keep the query counts the tests hold them to. Deleting from the list saves each record's last
        # version in a revision of its own (save_last_versions), not in one around the whole request, which
        # would be saved once the records are gone, so not at all.
        if request.method in ("GET", "HEAD", "OPTIONS") or request.POST.get("action") == "delete_selected":
            yield
        else:
            with super().create_revision(request):
                yield

    def can_recover(self, request):
        return (
            edits_every_group(request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def _note(self, extra_context):
        return {"history_note": self.history_note, **(extra_context or {})}

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_recover": self.can_recover(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, self._note(extra_context))

    def recoverlist_view(self, request, extra_context=None):
        if not self.can_recover(request):
            raise PermissionDenied
        return super().recoverlist_view(request, self._note(extra_context))

    def recover_view(self, request, version_id, extra_context=None):
        if not self.can_recover(request):
            raise PermissionDenied
        # Only a deleted record of this admin's model: recovering is not a back door to reverting.
        get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        return super().recover_view(request, version_id, self._note(extra_context))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        # A version of this record of this model, not another model's record with the same id.
        version = get_object_or_404(
            Version.objects.get_for_object_reference(self.model, object_id), pk=version_id
        )
        # Asked before anything is written back: a record the user cannot open answers 404 (a coordinator and
        # another group's record, see GroupScopedAdminMixin.get_object), one they cannot change 403.
        obj = self.get_object(request, object_id)
        if obj is None:
            raise PermissionDenied
        written = version.revision.version_set.all() if self.revert_whole_revision else [version]
        if not self.has_change_permission(request, obj) or not versions_within_reach(request.user, written):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, self._note(extra_context))

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        version = _RestorableVersion(version, whole_revision=self.revert_whole_revision)
        return super()._reversion_revisionform_view(request, version, template_name, extra_context)

    # --- Deleting: a last version first ---------------------------------------------------------------------

    def delete_model(self, request, obj):
        self.save_last_versions(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.save_last_versions(request, queryset)
        super().delete_queryset(request, queryset)

    def save_last_versions(self, request, objs):
        """Save a version of each record about to be deleted, with its inlines and links: recovering it brings
        it back as it was when deleted. One revision each, so that recovering one brings back no other."""
        for obj in objs:
            with create_revision():
                set_user(request.user)
                set_comment(_("Deleted."))
                add_to_revision(obj)
