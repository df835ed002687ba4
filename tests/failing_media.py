"""A media folder that fails for real, as a production disk can: read-only, or full. No mocked storage.

As root, the folder is a small file system of its own (tmpfs), remounted read-only or filled up; chmod would
not do, as root writes through it. Without the right to mount (not root, or a container that refuses), or with
``ICWG_TEST_MOUNT=0``, the same two failures come from what any user can cause:

- read-only: the media root moves under a regular file, where no folder can be made (NotADirectoryError);
- full: a limit on the size of the files this process writes (RLIMIT_FSIZE), so a write stops part-way, with
  EFBIG instead of ENOSPC — as on a full disk, the beginning of the file is left behind.

Either way, ``files()`` lists what the media folder holds, so a test can check that nothing was left there.
"""

import contextlib
import errno
import functools
import os
import resource
import signal
import subprocess
import tempfile
from pathlib import Path

FILLER = ".filler"  # what fills the file system up; not one of the portal's files


def _run(*command):
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


class FailingMedia:
    def __init__(self, root, settings, size="4m", mount=True):
        self.root = Path(root)
        self.root.mkdir(parents=True)
        self.settings = settings
        self.mounted = (
            mount
            and can_mount()
            and _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(self.root))
        )
        settings.MEDIA_ROOT = self.root

    def files(self):
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.rglob("*")
            if path.is_file() and path.name != FILLER
        )

    @contextlib.contextmanager
    def read_only(self):
        if self.mounted:
            assert _run("mount", "-o", "remount,ro", str(self.root))
            try:
                yield
            finally:
                assert _run("mount", "-o", "remount,rw", str(self.root))
            return
        blocker = self.root.with_name(self.root.name + "-blocked")
        blocker.write_text("a file where the media folder's parent should be")
        self.settings.MEDIA_ROOT = blocker / "media"
        try:
            yield
        finally:
            self.settings.MEDIA_ROOT = self.root
            blocker.unlink()

    @contextlib.contextmanager
    def full(self, free=0):
        """No more than ``free`` bytes can be written (a multiple of 4096 on a mounted store)."""
        if self.mounted:
            filler = self.root / FILLER
            stats = os.statvfs(self.root)
            remaining = stats.f_bavail * stats.f_frsize - free
            descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:
                while remaining > 0:
                    remaining -= os.write(descriptor, b"\0" * min(65536, remaining))
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
            finally:
                os.close(descriptor)
            stats = os.statvfs(self.root)
            assert stats.f_bavail * stats.f_frsize <= free
            try:
                yield
            finally:
                filler.unlink()
            return
        limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        # Ignored, the signal a write past the limit sends (which would end the process) becomes EFBIG.
        previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (free, limits[1]))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limits)
            signal.signal(signal.SIGXFSZ, previous)

    def close(self):
        self.settings.MEDIA_ROOT = self.root
        if self.mounted and not _run("umount", str(self.root)):
            assert _run("umount", "--lazy", str(self.root))


@functools.cache
def can_mount():
    """Whether this machine lets the suite mount a file system of its own (tried once, then remembered)."""
    if os.environ.get("ICWG_TEST_MOUNT", "1") == "0" or os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as directory:
        if not _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory):
            return False
        return _run("umount", directory)
