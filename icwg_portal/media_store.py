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

documents/services.py stores a document's files with these; replaced and deleted files go with
``transaction.on_commit(partial(delete_stored_files, …))``.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile, FileField
from django.utils.translation import gettext_lazy as _

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

    def save_model(self, request, obj, form, change):
        store_uploaded_files(form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form not in formset.deleted_forms:
                store_uploaded_files(inline_form)
        super().save_formset(request, form, formset, change)


def refusing_to_save(form_class):
    """``form_class`` with REFUSED_MESSAGE as an error of the whole form, whatever is posted."""

    class Refusing(form_class):
        def full_clean(self):
            super().full_clean()
            if self.is_bound:
                self.add_error(None, ValidationError(REFUSED_MESSAGE, code="media_store_refused"))

    Refusing.__name__ = Refusing.__qualname__ = form_class.__name__
    # The fields as the admin built them for this request (querysets narrowed, fields made required…).
    Refusing.base_fields = form_class.base_fields
    return Refusing
