"""What refers to a stored file, and removing those nothing refers to (icwg_portal/media_store.py,
``manage.py trim_stored_files``). Real files on disk, in the media folder each test gets."""

import io
import os
import time

import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from reversion.models import Revision

from groups.models import WorkingGroup
from icwg_portal.media_store import discard_on_commit, is_referred_to
from tests import factories
from tests.documents import samples

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 3600


def stored(name, age=TWO_HOURS):
    """A file in the media store, last modified ``age`` seconds ago."""
    name = default_storage.save(name, ContentFile(b"x" * 100))
    then = time.time() - age
    os.utime(default_storage.path(name), (then, then))
    return name


def group_with_image(name):
    group = factories.make_group()
    WorkingGroup.objects.filter(pk=group.pk).update(image=name)
    group.refresh_from_db()
    return group


def only_in_the_history(name):
    """``name`` is the image of a group's version, not of the group any more."""
    group = group_with_image(name)
    with reversion.create_revision():
        reversion.add_to_revision(group)
    WorkingGroup.objects.filter(pk=group.pk).update(image="")
    return group


def test_a_file_is_referred_to_by_a_record_or_a_version(media_on_disk):
    in_record, in_version, nowhere = (stored(f"groups/{n}.png") for n in ("record", "version", "nowhere"))
    group_with_image(in_record)
    only_in_the_history(in_version)
    document_file = samples.make_document_file()

    assert is_referred_to(default_storage, in_record)
    assert is_referred_to(default_storage, in_version)
    assert is_referred_to(default_storage, document_file.file.name)
    assert is_referred_to(default_storage, document_file.cover.name)
    assert not is_referred_to(default_storage, nowhere)
    # A name merely inside another (a longer name, or text) does not count.
    assert not is_referred_to(default_storage, "groups/record")


def test_discarded_files_go_after_the_commit_unless_something_refers_to_them(
    media_on_disk, django_capture_on_commit_callbacks
):
    kept, gone = stored("groups/kept.png"), stored("groups/gone.png")
    only_in_the_history(kept)
    with django_capture_on_commit_callbacks(execute=True):
        discard_on_commit([(default_storage, kept), (default_storage, gone)])
        assert default_storage.exists(gone)  # not before the commit
    assert default_storage.exists(kept) and not default_storage.exists(gone)


def test_a_rolled_back_save_discards_nothing(media_on_disk, django_capture_on_commit_callbacks):
    name = stored("groups/still-here.png")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                discard_on_commit([(default_storage, name)])
                raise RuntimeError("the save failed")
        except RuntimeError:
            pass
    assert default_storage.exists(name)


@pytest.fixture
def leftovers(media_on_disk):
    """A media store holding files in use, files only the history refers to, and files nothing refers to."""
    document_file = samples.make_document_file()
    for path in (document_file.file.path, document_file.cover.path):
        os.utime(path, (time.time() - TWO_HOURS,) * 2)
    names = {
        "in use": [stored("groups/in-use.png"), document_file.file.name, document_file.cover.name],
        "in history": [stored("countries/old-map.png")],
        "orphans": [stored("groups/orphan.png"), stored("documents/2025/0a1b2c3d/orphan.pdf")],
        "recent": [stored("groups/being-saved.png", age=60)],
        "elsewhere": [stored("exports/report.csv")],  # no file field stores there: never trimmed
    }
    group_with_image(names["in use"][0])
    country = factories.make_country()
    type(country).objects.filter(pk=country.pk).update(image=names["in history"][0])
    country.refresh_from_db()
    with reversion.create_revision():
        reversion.add_to_revision(country)
    type(country).objects.filter(pk=country.pk).update(image="")
    return names


def trim(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("trim_stored_files", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def existing(names):
    return [name for name in names if default_storage.exists(name)]


def test_a_dry_run_lists_what_nothing_refers_to_and_deletes_nothing(leftovers):
    everything = [name for names in leftovers.values() for name in names]
    lines, _ = trim("--dry-run")
    assert lines[0] == "Checking countries/ …"
    removed = sorted(line.split()[2] for line in lines if line.startswith("  would delete"))
    assert removed == sorted(leftovers["orphans"])
    assert lines[-1].startswith("7 file(s) checked: 2 would delete (200\xa0bytes), 4 referred to")
    assert lines[-1].endswith("1 too recent to judge, 0 could not be deleted.")
    assert existing(everything) == everything


def test_trimming_deletes_only_what_no_record_and_no_version_refers_to(leftovers):
    lines, _ = trim()
    assert sorted(line.split()[1] for line in lines if line.startswith("  deleted")) == sorted(
        leftovers["orphans"]
    )
    assert lines[-1].startswith("7 file(s) checked: 2 deleted (200\xa0bytes), 4 referred to by a record")
    assert existing(leftovers["orphans"]) == []
    for kept in ("in use", "in history", "recent", "elsewhere"):
        assert existing(leftovers[kept]) == leftovers[kept], kept

    # Once the history forgets the old map, and the upload being saved has had time to be saved, they go too.
    Revision.objects.all().delete()
    lines, _ = trim("--keep-newer-than", "0")
    assert existing(leftovers["in history"] + leftovers["recent"]) == []
    assert (
        existing(leftovers["in use"] + leftovers["elsewhere"]) == leftovers["in use"] + leftovers["elsewhere"]
    )
    assert lines[-1].startswith("5 file(s) checked: 2 deleted")


def test_a_file_that_cannot_be_deleted_is_reported_and_the_rest_are_trimmed(leftovers, monkeypatch):
    refused, trimmed = leftovers["orphans"]
    delete = FileSystemStorage.delete

    def refusing(storage, name):
        if name == refused:
            raise PermissionError(13, "Permission denied", name)
        delete(storage, name)

    monkeypatch.setattr(FileSystemStorage, "delete", refusing)
    with pytest.raises(CommandError, match="1 file"):
        trim()
    assert existing(leftovers["orphans"]) == [refused]
