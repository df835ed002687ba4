"""Files stored in step with the database, and what staff see when the media store does not take a file.

- A file is stored only inside ``atomic_with_files()`` (with ``store_file``); if the transaction does not
  commit, every file the block stored is deleted again, so no stored file is left without its record. A file
  the store gave up on half-way (a full disk keeps the beginning of it) is removed at once.
- A store that does not take a file — a read-only or full disk, a folder missing or not writable, an object
  store (S3) refusing the upload or out of reach — raises ``MediaStoreError``, nothing else: a mistake in the
  code (an invalid name…) stays the server error it is.
- ``MediaStoreAdminMixin``, on every admin page that stores files, turns ``MediaStoreError`` into the same
  form again, everything typed kept, with a message at the top that nothing was saved; operators get the
  failure in the log, as an error with its traceback.
- A file replaced, cleared or left by a deleted record goes once the transaction commits
  (``discard_on_commit``), unless something still refers to it then: a record, or a version of one in the
  history (django-reversion), which must be able to bring it back (``is_referred_to``, the one place that
  says what refers to a file). ``trim_unreferenced_files`` (``manage.py trim_stored_files``) removes what
  was left behind anyway: files stored before this rule, or whose last version was pruned from the history.

documents/services.py stores a document's files with these; MediaStoreAdminMixin the images of the pages
that have one.
"""

import dataclasses
import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from pathlib import PurePosixPath

import reversion
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

logger = logging.getLogger(__name__)

# Files stored by the innermost atomic_with_files() block still open in this thread or task.
_stored_in_block = ContextVar("media_store_stored_in_block", default=None)

# The errors of S3-compatible storage (django-storages on boto3): ClientError, EndpointConnectionError,
# S3UploadFailedError… None is an OSError, and the portal does not depend on boto3, so they are told by the
# package that defines them.
OBJECT_STORE_PACKAGES = {"botocore", "boto3", "s3transfer"}

REFUSED_MESSAGE = _(
    "The file could not be stored: the file store is not accepting files right now (it may be read-only "
    "or full). Nothing was saved. Your changes are still in the form below; choose the file again and save "
    "once the problem is fixed, or tell the site’s operator."
)


class MediaStoreError(Exception):
    """The media store did not take a file; the store's own exception is the ``__cause__``."""


def is_store_failure(error):
    """Whether ``error``, raised while storing a file, says that the store did not take it."""
    if isinstance(error, OSError):  # PermissionError, read-only (EROFS), full (ENOSPC), NotADirectoryError…
        return True
    return any(cls.__module__.partition(".")[0] in OBJECT_STORE_PACKAGES for cls in type(error).__mro__)


# --- Storing ------------------------------------------------------------------------------------------------


@contextmanager
def atomic_with_files():
    """A database transaction whose newly stored files are deleted again if it does not commit."""
    stored = []
    token = _stored_in_block.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        delete_stored_files(stored)
        raise
    finally:
        _stored_in_block.reset(token)
    outer = _stored_in_block.get()
    if outer is not None:
        outer.extend(stored)  # the enclosing block may still fail: it cleans up these too


def store_file(field_file, name, content):
    """Store ``content`` as the file of ``field_file`` (a model's FieldFile), named from ``name`` as its
    field's ``upload_to`` says; return the stored name. Raises MediaStoreError if the store does not take it.
    """
    stored = _stored_in_block.get()
    if stored is None:
        raise RuntimeError("Store files inside icwg_portal.media_store.atomic_with_files().")
    field, storage = field_file.field, field_file.storage
    # The name is chosen here rather than inside the storage, so that a write that fails half-way can be
    # removed: the storage takes this same name, which it has just reported free (a document's name is in
    # a folder of random letters, so another upload taking it in that instant is not a practical concern).
    name = storage.get_available_name(
        field.generate_filename(field_file.instance, name), max_length=field.max_length
    )
    try:
        name = storage.save(name, content, max_length=field.max_length)
        # Checked, not assumed: Django moves a large upload from its temporary file to another file system by
        # copying it with os.write() without looking at what each write wrote, so on a full disk it keeps the
        # beginning of the file and reports success.
        expected, kept = getattr(content, "size", None), storage.size(name)
        if expected is not None and kept != expected:
            raise OSError(f"the store kept {kept} of the file's {expected} bytes")
    except Exception as error:
        if not is_store_failure(error):
            raise
        remove_partly_written(storage, name)
        raise MediaStoreError(f"the media store did not take {name}: {error}") from error
    stored.append((storage, name))
    # As FieldFile.save() would: the record now holds the stored name, so saving it stores nothing more.
    setattr(field_file.instance, field.attname, name)
    return name


def store_uploaded_files(form):
    """Store, with store_file(), the files newly uploaded through a model form (after ``form.save(commit=
    False)``, before its record is saved), instead of letting the record's save store them out of sight."""
    for field in form.instance._meta.fields:
        upload = form.cleaned_data.get(field.name)
        if (
            isinstance(field, FileField)
            and field.name in form.changed_data
            and isinstance(upload, File)
            and not isinstance(upload, FieldFile)
        ):
            store_file(getattr(form.instance, field.name), upload.name, upload)


def remove_partly_written(storage, name):
    try:
        # Checked first: deleting a file that was never written fails too on a read-only disk.
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # noqa: BLE001 - the store is already failing; the caller reports that
        logger.warning("Could not remove the partly written file %s", name, exc_info=True)


def delete_stored_files(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - a file left behind is logged; it must not fail the request
            logger.exception("Could not delete the stored file %s", name)


# --- What refers to a stored file ---------------------------------------------------------------------------


def file_fields(storage=None):
    """[(model, field)] of the installed models' file fields (those storing in ``storage``, if given)."""
    return [
        (model, model_field)
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, FileField) and (storage is None or model_field.storage is storage)
    ]


def files_held(model, pks):
    """{(storage, name)} of the files the records ``pks`` of ``model`` hold in the database now."""
    fields = [
        model_field for model_field in model._meta.concrete_fields if isinstance(model_field, FileField)
    ]
    pks = [pk for pk in pks if pk is not None]
    if not fields or not pks:
        return set()
    rows = model._base_manager.filter(pk__in=pks).values_list(*(f.attname for f in fields))
    return {(f.storage, name) for row in rows for f, name in zip(fields, row, strict=True) if name}


def _versions_holding(model, model_field, name=None):
    """The names the versions of ``model`` (in the history) hold in ``model_field``: all, or only ``name``."""
    if not reversion.is_registered(model):
        return set()
    versions = Version.objects.get_for_model(model)
    if name is not None:
        # Cheap first: the serialized text must contain the name as a JSON string; then read it properly.
        versions = versions.filter(serialized_data__contains=json.dumps(name, ensure_ascii=False))
    return {_held_by(version, model_field) for version in versions.iterator()} - {""}


def _held_by(version, model_field):
    try:
        return json.loads(version.serialized_data)[0]["fields"].get(model_field.name) or ""
    except (ValueError, LookupError, TypeError, AttributeError):  # not JSON: read it as reversion does
        value = version.field_dict.get(model_field.attname)
        return getattr(value, "name", value) or ""


def is_referred_to(storage, name):
    """Whether a record, or a version of one in the history, holds ``name`` in a file field of ``storage``."""
    fields = file_fields(storage)
    if any(model._base_manager.filter(**{f.attname: name}).exists() for model, f in fields):
        return True
    return any(name in _versions_holding(model, f, name) for model, f in fields)


def referenced_names(storage=default_storage):
    """Every name a record or a version holds in a file field of ``storage`` (for trimming the store)."""
    names = set()
    for model, model_field in file_fields(storage):
        names |= set(
            model._base_manager.exclude(**{model_field.attname: ""}).values_list(
                model_field.attname, flat=True
            )
        )
        names |= _versions_holding(model, model_field)
    return names


def delete_unreferenced_files(files):
    unreferenced = []
    for storage, name in files:
        try:
            if not is_referred_to(storage, name):
                unreferenced.append((storage, name))
        except Exception:  # noqa: BLE001 - run after the commit: a file kept is logged, the request unharmed
            logger.exception("Could not tell whether anything refers to the stored file %s; kept", name)
    delete_stored_files(unreferenced)


def discard_on_commit(files):
    """Once the transaction commits, delete those of ``files`` ([(storage, name)]) that nothing refers to any
    more (``is_referred_to``, asked then: a version saved by the same transaction counts). If the transaction
    is rolled back, nothing is deleted."""
    files = sorted(set(files), key=lambda stored: stored[1])
    if files:
        transaction.on_commit(partial(delete_unreferenced_files, files))


# --- Trimming the store of what nothing refers to -----------------------------------------------------------


def upload_folders(storage=default_storage):
    """The top folders the file fields of ``storage`` store into ("countries", "documents", "groups"…)."""
    folders = set()
    for model, model_field in file_fields(storage):
        parts = PurePosixPath(model_field.generate_filename(model(), "name")).parts
        if len(parts) > 1:  # a field storing at the top of the store is not trimmed: too wide to walk
            folders.add(parts[0])
    return sorted(folders)


def stored_names(storage, folder):
    """Every file under ``folder`` of ``storage``, depth first, through the storage API (local disk or S3)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in sorted(files):
        yield f"{folder}/{file_name}"
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}")


@dataclasses.dataclass
class Trimmed:
    checked: int = 0
    referred_to: int = 0
    recent: int = 0
    # [(name, size)] deleted, or that would be with dry_run; [(name, error)] that could not be.
    removed: list = dataclasses.field(default_factory=list)
    failed: list = dataclasses.field(default_factory=list)

    @property
    def removed_bytes(self):
        return sum(size for _name, size in self.removed)


def trim_unreferenced_files(
    storage=default_storage,
    dry_run=False,
    keep_newer_than=timedelta(hours=1),
    on_folder=None,
    on_removed=None,
):
    """Delete the files of the upload folders that no record and no version refers to; return a Trimmed.

    Files stored less than ``keep_newer_than`` ago are left: one being saved right now has no committed record
    yet. ``on_folder(folder)`` is called as each folder is begun, ``on_removed(name, size)`` for each file
    deleted (or that would be, with ``dry_run``)."""
    referenced = referenced_names(storage)
    newer_than = timezone.now() - keep_newer_than
    trimmed = Trimmed()
    for folder in upload_folders(storage):
        if on_folder is not None:
            on_folder(folder)
        for name in stored_names(storage, folder):
            trimmed.checked += 1
            if name in referenced:
                trimmed.referred_to += 1
                continue
            try:
                if storage.get_modified_time(name) > newer_than:
                    trimmed.recent += 1
                    continue
                size = storage.size(name)
                if not dry_run:
                    storage.delete(name)
            except Exception as error:  # noqa: BLE001 - reported, and the others are still trimmed
                trimmed.failed.append((name, error))
                continue
            trimmed.removed.append((name, size))
            if on_removed is not None:
                on_removed(name, size)
    return trimmed


# --- The admin ----------------------------------------------------------------------------------------------

_REFUSED = "_media_store_refused"  # set on a request whose save the media store refused


class MediaStoreAdminMixin:
    """For the ModelAdmin of every page that can store a file (its own file fields or its inlines').

    Saving the page (add, change, "save as new", and the history's revert and recover, which run the change
    form) is one transaction with atomic_with_files(). When the media store does not take a file, that
    transaction is rolled back and the files it stored are deleted; the failure is logged as an error; and
    the page answers 200 with the same form, filled in with what was posted, and REFUSED_MESSAGE at the top.
    (200, not 503: a proxy or load balancer replacing 5xx answers with its own error page would throw away
    the very form this keeps.) Browsers cannot fill a file input in again: the message asks for the file.

    The page's own file fields (and its inlines', unless the admin's save_formset stores them itself, as the
    document page does with documents/services.py) are stored with store_file() before their records are
    saved. Put the mixin before HistoryAdmin among the admin's bases: the failed save must also leave no
    entry in the history, which the revision it runs inside would otherwise keep.
    """

    def add_view(self, request, form_url="", extra_context=None):
        return self._saving_files(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._saving_files(super().change_view, request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        return self._saving_files(super().revision_view, request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        return self._saving_files(super().recover_view, request, version_id, extra_context)

    def _saving_files(self, view, request, *args):
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return view(request, *args)
        try:
            with atomic_with_files():
                return view(request, *args)
        except MediaStoreError as error:
            logger.error(
                "Nothing was saved at %s (staff member %s): %s",
                request.path,
                request.user.pk,
                error,
                exc_info=error,
            )
        # The same page again, from the same posted data: the form refuses to save, so it shows it all.
        setattr(request, _REFUSED, True)
        return view(request, *args)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return refusing_to_save(form) if getattr(request, _REFUSED, False) else form

    # A file replaced, cleared or left by a deleted record goes once the save commits, unless a record or a
    # version (the history) still refers to it.

    def save_model(self, request, obj, form, change):
        before = files_held(type(obj), [obj.pk])
        store_uploaded_files(form)
        super().save_model(request, obj, form, change)
        discard_on_commit(before - files_held(type(obj), [obj.pk]))

    def save_formset(self, request, form, formset, change):
        rows = [inline_form.instance.pk for inline_form in formset.initial_forms]
        before = files_held(formset.model, rows)
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form not in formset.deleted_forms:
                store_uploaded_files(inline_form)
        super().save_formset(request, form, formset, change)
        discard_on_commit(before - files_held(formset.model, rows))

    def delete_model(self, request, obj):
        held = files_held(type(obj), [obj.pk])
        super().delete_model(request, obj)
        discard_on_commit(held)

    def delete_queryset(self, request, queryset):
        held = files_held(queryset.model, list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        discard_on_commit(held)


def refusing_to_save(form_class, message=REFUSED_MESSAGE, code="media_store_refused"):
    """``form_class`` with ``message`` as an error of the whole form, whatever is posted: the admin then shows
    the page again with everything that was posted, and saves nothing (edit_conflicts.py uses it too)."""

    class Refusing(form_class):
        def full_clean(self):
            super().full_clean()
            if self.is_bound:
                self.add_error(None, ValidationError(message, code=code))

    Refusing.__name__ = Refusing.__qualname__ = form_class.__name__
    # The fields as the admin built them for this request (querysets narrowed, fields made required…).
    Refusing.base_fields = form_class.base_fields
    return Refusing
