"""Word, Excel and OpenDocument files are ZIP packages: opened here in bounded memory and time, whatever they
claim.

A 306 KB .docx can hold a part that expands to 300 MB, or to gigabytes. So before anything is decompressed,
the package's central directory (its table of contents, at the end of the file) is checked:

- how many entries it has, from the end record, before zipfile builds an object for each
  (``PACKAGE_MAX_ENTRIES``, and at most 1 KB of directory an entry);
- the uncompressed sizes it declares, in all (``PACKAGE_MAX_UNCOMPRESSED_BYTES``) and for each entry
  (``PACKAGE_MAX_ENTRY_BYTES``);
- how much each entry larger than 1 MB claims to grow (``PACKAGE_MAX_RATIO`` times its compressed size;
  generated Word and Excel parts grow 5 to 70 times, a bomb about a thousand).

Declared sizes can lie, so the few parts read afterwards are decompressed a chunk at a time, never beyond a
cap on the bytes actually produced, and their XML is parsed as it streams (expat with handlers: no tree kept;
expat 2.4+ also bounds entity expansion, the "billion laughs").
"""

import struct
import zipfile
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
RATIO_CHECKED_FROM = (
    1024 * 1024
)  # a small part may compress very well (an empty sheet): only larger ones count
DIRECTORY_BYTES_PER_ENTRY = 1024

END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries here and in all, size, offset, comment
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")


class PackageRefused(Exception):
    """The package is refused; ``str()`` says why, in the staff member's language."""


class Stop(Exception):
    """Raised by a handler of ``parse_part`` once it has read what it needs."""


def open_package(uploaded, name):
    """A ZipFile of ``uploaded`` whose central directory has been checked; the caller closes it.

    Raises PackageRefused for a package that declares too much, zipfile.BadZipFile for one that is damaged.
    """
    entries, directory_bytes = central_directory(uploaded)
    limit = settings.PACKAGE_MAX_ENTRIES
    if entries > limit or directory_bytes > limit * DIRECTORY_BYTES_PER_ENTRY:
        raise PackageRefused(too_many_entries_message(name, limit))
    uploaded.seek(0)
    package = zipfile.ZipFile(uploaded)
    try:
        check_declared_sizes(package, name)
    except BaseException:
        package.close()
        raise
    return package


def central_directory(file):
    """(entries, bytes) of the central directory as the end record declares them, read as zipfile reads it."""
    file.seek(0, 2)
    size = file.tell()
    start = max(0, size - END_RECORD.size - 0xFFFF)  # the record, after at most a 64 KB comment
    file.seek(start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < END_RECORD.size:
        raise zipfile.BadZipFile("no end of central directory record")
    _signature, _disk, _disk_cd, _here, entries, directory_bytes, _offset, _comment = END_RECORD.unpack_from(
        tail, at
    )
    locator = at - ZIP64_LOCATOR.size
    if locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        record = locator - ZIP64_END_RECORD.size
        if record < 0:
            raise zipfile.BadZipFile("ZIP64 end record out of reach")
        fields = ZIP64_END_RECORD.unpack_from(tail, record)
        if fields[0] == b"PK\x06\x06":
            entries, directory_bytes = fields[7], fields[8]
    return entries, directory_bytes


def check_declared_sizes(package, name):
    infos = package.infolist()
    if len(infos) > settings.PACKAGE_MAX_ENTRIES:
        raise PackageRefused(too_many_entries_message(name, settings.PACKAGE_MAX_ENTRIES))
    total = 0
    for info in infos:
        total += info.file_size
        if total > settings.PACKAGE_MAX_UNCOMPRESSED_BYTES:
            raise PackageRefused(expands_message(name, settings.PACKAGE_MAX_UNCOMPRESSED_BYTES))
        if info.file_size > settings.PACKAGE_MAX_ENTRY_BYTES:
            raise PackageRefused(expands_message(name, settings.PACKAGE_MAX_ENTRY_BYTES))
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > settings.PACKAGE_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise PackageRefused(grows_message(name, info))


def read_part(package, part_name, limit):
    """The bytes of ``part_name``, decompressed a chunk at a time; None if it produces more than ``limit``."""
    chunks, produced = [], 0
    with package.open(part_name) as part:
        while chunk := part.read(CHUNK):
            produced += len(chunk)
            if produced > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def parse_part(package, part_name, limit, start=None, end=None, text=None):
    """Parse the XML of ``part_name`` as it is decompressed, calling the handlers with local names.

    ``start(name, attributes)``, ``end(name)`` and ``text(data)`` may raise Stop once they have what they
    need. Parsing ends there, at the end of the part, or after ``limit`` bytes (whatever the part declares).
    Raises expat.ExpatError for XML that is not well formed.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = lambda tag, attributes: start(tag.rpartition(" ")[2], attributes)
    if end:
        parser.EndElementHandler = lambda tag: end(tag.rpartition(" ")[2])
    if text:
        parser.CharacterDataHandler = text
    produced = 0
    with package.open(part_name) as part:
        try:
            while produced < limit and (chunk := part.read(min(CHUNK, limit - produced))):
                produced += len(chunk)
                parser.Parse(chunk, False)
            if produced < limit:
                parser.Parse(b"", True)
        except Stop:
            pass


def paragraphs_text(package, part_name, limit, max_chars):
    """The text of Word's paragraphs (w:p) or OpenDocument's (text:p, text:h), a line each."""
    lines, line, depth, length = [], [], 0, 0

    def start(name, _attributes):
        nonlocal depth
        if name in ("p", "h"):
            depth += 1

    def end(name):
        nonlocal depth, length
        if name in ("p", "h") and depth:
            depth -= 1
            if not depth:
                paragraph = "".join(line).strip()
                line.clear()
                if paragraph:
                    lines.append(paragraph)
                    length += len(paragraph) + 1
                    if length >= max_chars:
                        raise Stop

    def text(data):
        if depth:
            line.append(data)

    parse_part(package, part_name, limit, start, end, text)
    return "\n".join(lines)


def too_many_entries_message(name, limit):
    return (
        _(
            "“%(name)s” holds more than %(limit)s files inside it, far more than a real document, so it was "
            "refused."
        )
        % {"name": name, "limit": number_format(limit, force_grouping=True)}
        + " "
        + save_again_advice()
    )


def expands_message(name, limit):
    return (
        _(
            "“%(name)s” expands to more than %(limit)s when opened, far more than a real document, so it was "
            "refused."
        )
        % {"name": name, "limit": filesizeformat(limit)}
        + " "
        + save_again_advice()
    )


def grows_message(name, info):
    return (
        _(
            "“%(name)s” expands to more than %(ratio)s times its size when opened (%(compressed)s inside it "
            "become %(size)s), as files made to overload a server do, so it was refused."
        )
        % {
            "name": name,
            "ratio": number_format(settings.PACKAGE_MAX_RATIO, force_grouping=True),
            "compressed": filesizeformat(info.compress_size),
            "size": filesizeformat(info.file_size),
        }
        + " "
        + save_again_advice()
    )


def save_again_advice():
    return _("If it is a real document, open it, save it again (or save it as a PDF) and upload that.")
