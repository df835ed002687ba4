"""What in a PDF could act on a visitor's computer besides showing pages, found by walking the PDF's objects.

Found wherever PDF lets it sit — the document catalogue (/OpenAction, /AA), each page (/AA), annotations such
as links and form widgets (/A, /AA), form fields (/AA), bookmarks (/A), and every action chained after another
(/Next, one or an array of them):

- JavaScript: actions of type /JavaScript, anything else carrying /JS (a /Rendition action), the document's
  /JavaScript name tree, and javascript: links;
- actions that reach outside the document: /Launch (starts a program or opens a file), /SubmitForm (sends what
  is typed to an address), /ImportData (loads form data from a file);
- links that open another file: /GoToR (another PDF, perhaps on a network share, and opening one there can
  hand the reader's Windows credentials to that server), /GoToE (a PDF embedded in this one: attached),
  and file: or \\\\server links; on the portal such links could only fail or reach the reader's own files;
- attached files: the /EmbeddedFiles name tree, /FileAttachment annotations and any file specification that
  carries a file (/EF, /RF);
- players of their own: /RichMedia (Flash, video) and /3D annotations, XFA forms (/XFA), all scriptable.

Accepted: links to web pages and e-mail addresses (/URI), to places in the document (/GoTo, /Named actions),
form fields without scripts.

The walk starts at the trailer and visits each indirect object once (a set of their numbers), so loops — an
/Next chain that leads back to its start, a page tree that contains itself — end; it gives up after
PDF_MAX_OBJECTS objects and containers. It does not descend into what PDF only lets draw (page contents,
/Resources, appearance streams, thumbnails, metadata, the structure tree): no action can sit there, and not
reading them keeps the walk of a 50 MB report to the few objects that can act.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

JAVASCRIPT = "javascript"
LAUNCH = "launch"
SUBMIT = "submit"
IMPORT = "import"
OTHER_FILE = "other-file"
ATTACHMENT = "attachment"
MULTIMEDIA = "multimedia"
XFA = "xfa"

ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": SUBMIT,
    "/ImportData": IMPORT,
    "/GoToR": OTHER_FILE,
    "/GoToE": OTHER_FILE,
}
ANNOTATIONS = {"/RichMedia": MULTIMEDIA, "/3D": MULTIMEDIA, "/FileAttachment": ATTACHMENT}
# Keys a dictionary holds only in one place: the document's name trees, a file specification, a form.
KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/EmbeddedFiles": ATTACHMENT,
    "/EF": ATTACHMENT,
    "/RF": ATTACHMENT,
    "/XFA": XFA,
}
# What only draws, or describes: never followed.
NOT_FOLLOWED = frozenset(
    {
        "/Contents",
        "/Resources",
        "/AP",
        "/Thumb",
        "/Metadata",
        "/StructTreeRoot",
        "/PieceInfo",
        "/OutputIntents",
        "/DR",  # a form's default fonts
        "/Encrypt",
    }
)
SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
URI_SCHEMES = {
    "javascript": JAVASCRIPT,
    "vbscript": JAVASCRIPT,
    "data": JAVASCRIPT,
    "file": OTHER_FILE,
    "smb": OTHER_FILE,
}


class TooComplex(Exception):
    """The PDF has more objects than the walk visits."""


def find_active_content(reader):
    """The kind of active content (one of the constants above) first found in ``reader``'s PDF, or None.

    Raises TooComplex after PDF_MAX_OBJECTS objects; pypdf's errors for a damaged file pass through.
    """
    limit = settings.PDF_MAX_OBJECTS
    visited, seen = set(), 0
    pending = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            number = (item.idnum, item.generation)
            if number in visited:
                continue
            visited.add(number)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            children = [value for key, value in dict.items(item) if key not in NOT_FOLLOWED]
            kind = classify(item)
            if kind:
                return kind
        elif isinstance(item, ArrayObject):
            children = list.__iter__(item)
        else:
            continue
        seen += 1
        if seen > limit:
            raise TooComplex(limit)
        pending.extend(c for c in children if isinstance(c, (IndirectObject, DictionaryObject, ArrayObject)))
    return None


def classify(dictionary):
    action = resolved(dictionary.get("/S"))
    if action in ACTIONS:
        return ACTIONS[action]
    if action == "/URI":
        address = str(resolved(dictionary.get("/URI")) or "")
        scheme = SCHEME.match(address)
        if scheme and scheme.group(1).lower() in URI_SCHEMES:
            return URI_SCHEMES[scheme.group(1).lower()]
        if address.lstrip().startswith("\\\\"):  # a Windows network path, \\server\share
            return OTHER_FILE
    subtype = resolved(dictionary.get("/Subtype"))
    if subtype in ANNOTATIONS and resolved(dictionary.get("/Type")) in (None, "/Annot"):
        return ANNOTATIONS[subtype]
    for key, kind in KEYS.items():
        if key in dictionary:
            return kind
    return None


def resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def describe(kind):
    """What was found, to say so in a sentence: "“x.pdf” contains …"."""
    return {
        JAVASCRIPT: _("scripts (JavaScript)"),
        LAUNCH: _("an action that starts a program or opens a file on the reader’s computer"),
        SUBMIT: _("a form that sends what is typed in it to an internet address"),
        IMPORT: _("an action that loads data from another file"),
        OTHER_FILE: _("a link that opens another file, on the reader’s computer or network"),
        ATTACHMENT: _("attached files"),
        MULTIMEDIA: _("an embedded multimedia or 3D player"),
        XFA: _("an XFA form, which carries its own scripts"),
    }[kind]
