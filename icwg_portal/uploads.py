"""Reading uploads: Django's parser and upload handlers, made to survive forged file names.

Both limits below come from the file name a browser sends with each file: staff never choose a name that
long, but anyone can send one, and Django answered with a bare 400 (everything typed lost) or a 500. With
them, the name reaches the form, whose file field says it is too long, in the staff member's language.
"""

import os

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler
from django.http import multipartparser

# Django refuses a whole form when one part's headers exceed 1 KB (MAX_TOTAL_HEADER_SIZE), and the file name
# is in them. 64 KB holds a 5,000-character name even percent-encoded. The parser reads one part's headers at
# a time, in doubling chunks up to this size, so memory stays bounded (and the number of parts is limited by
# DATA_UPLOAD_MAX_NUMBER_FIELDS and DATA_UPLOAD_MAX_NUMBER_FILES). Longer headers still get the 400 page.
PART_MAX_HEADER_BYTES = 64 * 1024
# The temporary file of an upload spooled to disk is named after the upload's extension: a forged extension of
# hundreds of characters went past the file system's 255-byte limit for a name (OSError, a 500).
TEMPORARY_FILE_MAX_EXTENSION = 16


def allow_long_part_headers():
    """Raise Django's limit on one multipart part's headers (called once, from PortalConfig.ready)."""
    multipartparser.MAX_TOTAL_HEADER_SIZE = max(multipartparser.MAX_TOTAL_HEADER_SIZE, PART_MAX_HEADER_BYTES)


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    """Django's handler for uploads too large for memory, with a temporary file name that always fits."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        extension = os.path.splitext(self.file_name)[1][:TEMPORARY_FILE_MAX_EXTENSION]
        self.file = TemporaryUploadedFile(
            "upload" + extension, self.content_type, 0, self.charset, self.content_type_extra
        )
        # What the form checks is the name as sent (Django's UploadedFile keeps 255 characters of it).
        self.file.name = self.file_name
