"""One archive holds the whole portal: its database as data, its media store as files, a manifest of both.

Layout of the archive (a gzipped tar):

- ``manifest.json`` — format version, when and from which engine it was made, the migrations applied (the
  schema the data fits), and for every other member its size and SHA-256.
- ``database.jsonl`` — every record of every table the portal owns, one JSON object a line (Django's
  ``jsonl`` serializer, so it restores in bounded memory), history (django-reversion) and the admin's log
  included. Content types and permissions are referred to by natural keys, so the data does not depend on
  the ids a particular database gave them: an archive of the embedded SQLite restores into PostgreSQL.
  Left out, on purpose: sessions (everyone signs in again), django-axes' sign-in records (a restore must
  not lock anyone out), the tables Django rebuilds itself (content types, permissions) and the site search's
  index, which the restore builds again from what it restored.
- ``media/<name>`` — every file of the media store, read and written through the storage API (so S3 works).

Reading checks every member against the manifest before anything is written: a damaged or tampered archive
is refused whole, naming the member.
"""

import hashlib
import io
import json
import tarfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

# Not backed up, and why: see the module docstring.
EXCLUDED_MODELS = (
    "contenttypes.ContentType",
    "auth.Permission",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "search.Entry",
)


class ArchiveError(Exception):
    """The archive cannot be restored; the message says why, for the operator."""


@dataclass
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    engine: str
    migrations: dict  # app label → names of the migrations applied
    records: int
    members: list = field(default_factory=list)
    format: int = FORMAT

    def to_json(self):
        return json.dumps(
            {**vars(self), "members": [vars(member) for member in self.members]}, indent=1, ensure_ascii=False
        ).encode()

    @classmethod
    def from_json(cls, data):
        try:
            raw = json.loads(data)
            raw["members"] = [Member(**member) for member in raw["members"]]
            return cls(**raw)
        except (ValueError, TypeError, KeyError) as error:
            raise ArchiveError(f"{MANIFEST} is not a manifest this portal can read ({error}).") from error


def sha256_of(stream):
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class HashingReader:
    """A file object that hashes what is read through it (tarfile reads each member exactly once)."""

    def __init__(self, stream):
        self.stream, self.digest, self.size = stream, hashlib.sha256(), 0

    def read(self, size=-1):
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class ArchiveWriter:
    def __init__(self, path):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.tar = tarfile.open(self.partial, "w:gz", compresslevel=3)
        self.members = []

    def add(self, name, stream, size):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o644
        reader = HashingReader(stream)
        self.tar.addfile(info, reader)
        if reader.size != size:
            raise ArchiveError(f"{name} changed while it was backed up ({size} bytes, then {reader.size}).")
        self.members.append(Member(name, size, reader.digest.hexdigest()))

    def close(self, manifest):
        manifest.members = self.members
        data = manifest.to_json()
        self.add(MANIFEST, io.BytesIO(data), len(data))
        self.tar.close()
        self.partial.replace(self.path)  # a backup that did not finish never looks like one that did

    def abort(self):
        self.tar.close()
        self.partial.unlink(missing_ok=True)


def open_archive(path):
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError(f"{path} is not a readable archive ({error}).") from error


def read_manifest(path):
    try:
        with open_archive(path) as tar:
            try:
                member = tar.getmember(MANIFEST)  # the last member: reading to it reads the whole archive
            except KeyError as error:
                raise ArchiveError(
                    f"{path} has no {MANIFEST}: it was not made by manage.py backup."
                ) from error
            return Manifest.from_json(tar.extractfile(member).read())
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise ArchiveError(f"The archive is damaged or incomplete ({error}).") from error


def verify(path, progress=None):
    """Check every member against the manifest; raises ArchiveError naming the first that does not match."""
    manifest = read_manifest(path)
    expected = {member.name: member for member in manifest.members}
    seen = set()
    try:
        with open_archive(path) as tar:
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if not info.isfile() or info.name not in expected or info.name in seen:
                    raise ArchiveError(f"{info.name} is in the archive but not in its manifest.")
                digest, size = sha256_of(tar.extractfile(info))
                member = expected[info.name]
                if (digest, size) != (member.sha256, member.size):
                    raise ArchiveError(f"{info.name} does not match its checksum: the archive is damaged.")
                seen.add(info.name)
                if progress:
                    progress(len(seen), len(expected))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise ArchiveError(f"The archive is damaged or incomplete ({error}).") from error
    missing = set(expected) - seen
    if missing:
        raise ArchiveError(f"{sorted(missing)[0]} is in the manifest but missing from the archive.")
    return manifest
