"""The back office's history of changes and recovery of deleted records (django-reversion).

Every save through the admin stores a version of the record. A working group's version carries its objectives,
activities, memberships and contacts, so reverting a group's page brings its inlines back as they were, and
recovering a deleted group brings back what was deleted with it. A contact, activity or membership reverted or
recovered from its own admin page comes back alone: its group's other records keep their later edits.

Not kept in the history:
- a document's files (DocumentFile): a file's stored bytes are deleted from storage once its record is
  deleted or replaced (documents/services.py), so a version could only point at a file that no longer exists.
  Reverting or recovering a document brings back its details and groups; its files are uploaded again.
- a group's coordinators: who may edit a group is access control, not content; going back to an older version
  of a group never changes who coordinates it.

Who may do what (HistoryAdmin):
- History and "revert to this version": whoever may change the record (a coordinator: their own groups'
  records), and only when every record the revert would write belongs, now and in the version, to groups they
  edit.
- "Recover deleted …": only staff who edit every group (superusers and the secretariat). A coordinator would
  otherwise see other groups' deleted records listed.

The models are registered here, when the admin modules import this one, because VersionAdmin registers any
unregistered model (and its inlines' models, DocumentFile among them) as soon as an admin class is built.
"""

from contextlib import contextmanager

from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion import register
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from contacts.models import Contact
from documents.models import Document, DocumentType
from groups.models import Activity, Country, Membership, Objective, Organization, Pillar, WorkingGroup
from groups.permissions import editable_groups, edits_every_group

# --- What is versioned ------------------------------------------------------------------------------------

for model in (
    Country,
    Pillar,
    Organization,
    DocumentType,
    Objective,
    Activity,
    Membership,
    Contact,
    Document,
):
    register(model)
register(
    WorkingGroup,
    follow=("objectives", "activities", "memberships", "contacts"),
    exclude=("coordinators",),
)

DOCUMENT_FILES_NOTE = gettext_lazy(
    "The history keeps a document's details, not its files: reverting or recovering a document leaves its "
    "files as they are now, and a deleted file cannot be brought back — upload it again."
)


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
    editable = set(editable_groups(user).values_list("pk", flat=True))
    for version in versions:
        ids = groups_of_version(version)
        if not ids or not ids <= editable:
            return False
    return True


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
        try:
            with transaction.atomic(using=self.version.db):
                if self.whole_revision:
                    self.version.revision.revert(delete=delete)
                else:
                    self.version.revert()
                # PostgreSQL checks foreign keys at commit: check them now, while the error can be reported.
                connections[self.version.db].check_constraints()
        except (IntegrityError, ObjectDoesNotExist) as error:
            raise RevertError(
                _(
                    "Could not bring back “%(object)s”: a record it belongs to has been deleted. "
                    "Recover that record first."
                )
                % {"object": self.version.object_repr}
            ) from error


class _RestorableVersion:
    def __init__(self, version, whole_revision):
        self._version = version
        self.revision = _Restore(version, whole_revision)

    def __getattr__(self, name):
        return getattr(self._version, name)


class HistoryAdmin(VersionAdmin):
    """VersionAdmin held to who may edit what (see the module's docstring).

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
        # keep the query counts the tests hold them to.
        if request.method in ("GET", "HEAD", "OPTIONS"):
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
