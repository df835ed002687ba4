"""What the site search finds: one declaration per searched model, from which everything else is derived —
the entries written for it (search/index.py), what keeps them current, and what both engines match, rank and
show (search/queries.py).

A declaration says, for one model:
- ``kind``: the section of the results page its records appear in (a document's files feed the documents');
- ``public``: the records that have an entry (published ones only: a draft group's objectives, activities
  and contacts, or an organization known only through drafts, are never indexed), with what building their
  entries reads;
- ``texts``: what their words are matched by, each with its weight in the ranking (A, a title, most; then
  B, C, D), and which of them make the excerpt shown under a result; ``title``: the heading's text;
- ``names``: the texts whose words a misspelt query is compared with ("did you mean");
- ``url``, ``context``, ``links``: where a result takes the visitor, the line of context under its heading,
  and the groups an organization is linked to;
- ``depends_on``: the other models whose saves and deletes change its entries (a group's publication
  changes its objectives', a document type's name its documents').

Changing what a declaration searches changes what the entries hold: run `manage.py update_search_index`.
A contact is found by its person's and organization's names only: never by an address or phone number.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname, resolution_order

from contacts.models import Contact
from documents.models import Document, DocumentFile, DocumentType
from groups.models import Activity, Country, Membership, Objective, Organization, WorkingGroup
from search.models import Entry
from search.words import WORD, fold

LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)  # ("es", "en"): Spanish, the required one, first
# How much of a text is matched: PostgreSQL holds at most 1 MB of distinct words in a tsvector.
MAX_SEARCHED_CHARACTERS = 500_000
# How much of a record's shown texts an entry keeps for excerpts (a file's: EXCERPT_FILE_CHARACTERS).
BODY_CHARACTERS = 4_000
EXCERPT_FILE_CHARACTERS = 10_000


class Text(NamedTuple):
    """One searched text of a model: ``path`` is a field of the record, or ``relation.field`` (a contact's
    ``organization.name``).

    ``translated``: a modeltranslation field (one column per language; a page shows the fallback when its own
    is empty). Otherwise ``language`` names the field holding the language the text is written in (a file's),
    or is empty for a name, which has none.
    """

    path: str
    weight: str
    shown: bool = False
    translated: bool = True
    language: str = ""


class Depends(NamedTuple):
    """Another model whose saves and deletes change a declaration's entries: ``path`` leads from the declared
    model to it (``Objective.objects.filter(group=<the group saved>)``); ``fields``, when given, are the only
    ones of its fields whose change matters (a group's other edits leave its objectives' entries as they are).
    """

    model: type
    path: str
    fields: tuple = None


@dataclass(frozen=True)
class Declaration:
    kind: str
    model: type
    public: object  # () -> the queryset of the records that have entries
    title: str
    texts: tuple
    url: object  # (record) -> its address
    context: object = None  # (record, language) -> a line of plain text
    links: object = None  # (record, language) -> [(name, address)]
    names: tuple = ()
    depends_on: tuple = ()
    # Fields of the record that also change its entry (besides its texts'), e.g. its publication status.
    also: tuple = ()
    # Set for a record's parts with entries of their own (a document's files): the field of their record.
    part_of: str = ""
    body_characters: int = BODY_CHARACTERS
    batch_size: int = 500
    fields: frozenset = field(init=False)

    def __post_init__(self):
        own = {text.path.split(".")[0] for text in self.texts} | {name.split(".")[0] for name in self.names}
        object.__setattr__(self, "fields", frozenset(own | set(self.also) | {self.part_of} - {""}))

    @property
    def label(self):
        return str(self.model._meta.verbose_name_plural)

    def entries_of(self, pks):
        """The lookup of the entries of the records ``pks``."""
        if self.part_of:
            return {"kind": self.kind, "part__in": pks}
        return {"kind": self.kind, "part": 0, "object_id__in": pks}

    def entry(self, record):
        """The unsaved Entry of ``record`` (one of ``public()``), and what it is matched by: [(text, the
        language it is written in or "" for a name, weight)]."""
        entry = Entry(kind=self.kind, object_id=record.pk)
        if self.part_of:
            entry.object_id, entry.part = getattr(record, f"{self.part_of}_id"), record.pk
        first = LANGUAGES[0]
        for language in LANGUAGES:
            for name, (value, written_in) in self.shown(record, language).items():
                # What reads the same in both languages is stored once, in the first language's columns.
                if language != first and (value, written_in) == (
                    getattr(entry, f"{name}_{first}"),
                    getattr(entry, f"{name}_{first}_language", ""),
                ):
                    value = written_in = ""
                setattr(entry, f"{name}_{language}", value)
                if name in ("title", "body"):
                    setattr(entry, f"{name}_{language}_language", written_in)
            if self.links:
                with translation.override(language), script_prefix("/"):
                    entry.links[language] = self.links(record, language)
        names = [value for path in self.names for value in raw_values(record, path, self.translated(path))]
        written = {fold(word): word for value in reversed(names) for word in WORD.findall(value)}
        entry.names = " ".join(reversed(written.values()))
        matched = [
            (value, written_in, text.weight)
            for text in self.texts
            for value, written_in in searched(record, text)
        ]
        matched += [(value, "", "A") for value in names]
        return entry, [
            (value[:MAX_SEARCHED_CHARACTERS], written_in, weight)
            for value, written_in, weight in matched
            if value
        ]

    def shown(self, record, language):
        """{column: (value, the language it is written in)}: what a ``language`` page shows of ``record``."""
        title = next((text for text in self.texts if text.path == self.title), None)
        body = [text_in(record, text, language) for text in self.texts if text.shown]
        body = [(value, written_in) for value, written_in in body if value]
        with translation.override(language), script_prefix("/"):
            return {
                "title": text_in(record, title, language) if title else ("", ""),
                "body": (
                    "\n\n".join(value for value, _ in body)[: self.body_characters],
                    body[0][1] if body else "",
                ),
                "url": (self.url(record), ""),
                "context": (self.context(record, language) if self.context else "", ""),
            }

    def translated(self, path):
        return next((text.translated for text in self.texts if text.path == path), True)


@contextmanager
def script_prefix(prefix):
    """Addresses are stored without the script prefix of whatever saved the record (a request, a command)."""
    previous = get_script_prefix()
    set_script_prefix(prefix)
    try:
        yield
    finally:
        set_script_prefix(previous)


def resolve(record, path):
    """(the object holding the last field of ``path``, or None; that field's name)."""
    *relations, name = path.split(".")
    for relation in relations:
        record = getattr(record, relation) if record is not None else None
    return record, name


def text_in(record, text, language):
    """(``text`` of ``record`` as a ``language`` page shows it, the language it is really written in)."""
    holder, name = resolve(record, text.path)
    if holder is None:
        return "", ""
    if text.translated:
        fallbacks = getattr(type(holder), name).fallback_languages
        for code in resolution_order(language, fallbacks):
            value = getattr(holder, build_localized_fieldname(name, code)) or ""
            if value:
                return value, code
        return "", ""
    value = getattr(holder, name) or ""
    return value, getattr(record, text.language) if text.language else ""


def raw_values(record, path, translated=True):
    """Each language's value of ``path`` (a translated field's own columns, not a fallback), or its one."""
    holder, name = resolve(record, path)
    if holder is None:
        return []
    if translated and hasattr(holder, build_localized_fieldname(name, LANGUAGES[0])):
        return [getattr(holder, build_localized_fieldname(name, code)) or "" for code in LANGUAGES]
    return [getattr(holder, name) or ""]


def searched(record, text):
    """[(value, language)] of ``text`` for the record's vector: each language's own column of a translated
    text (so a search in either language finds either), the one value of another."""
    if text.translated:
        values = raw_values(record, text.path)  # none for a missing relation (a contact without organization)
        return list(zip(values, LANGUAGES, strict=True)) if values else []
    holder, name = resolve(record, text.path)
    value = (getattr(holder, name) or "") if holder is not None else ""
    return [(value, getattr(record, text.language) if text.language else "")]


def translated_name(record, field, language):
    return text_in(record, Text(field, "A"), language)[0]


# --- The declarations -----------------------------------------------------------------------------------

# What a group's entries, and those of the records shown under it, show of it.
GROUP_SHOWN = ("status", "name", "slug", "country")


def published_groups():
    return WorkingGroup.objects.published()


def group_context(group, language):
    return ", ".join(
        filter(
            None,
            [translated_name(group, "location", language), translated_name(group.country, "name", language)],
        )
    )


def in_group(section):
    """The address of a section of the record's group page, e.g. its objectives."""
    return lambda record: f"{record.group.get_absolute_url()}#{section}"


def public_memberships():
    return Membership.objects.public().filter(group__in=published_groups())


def public_contacts():
    return Contact.objects.public().filter(group__in=published_groups())


def public_organizations():
    memberships, contacts = public_memberships().order_by(), public_contacts().order_by()
    return Organization.objects.filter(
        Exists(memberships.filter(organization=OuterRef("pk")))
        | Exists(contacts.filter(organization=OuterRef("pk")))
    ).prefetch_related(
        Prefetch(
            "memberships", queryset=memberships.select_related("group__country"), to_attr="search_memberships"
        ),
        Prefetch("contacts", queryset=contacts.select_related("group__country"), to_attr="search_contacts"),
    )


def organization_links(organization, language):
    """The groups an organization takes part in (its members' section), or is a contact of, by name."""
    links = {}
    for rows, section in (
        (organization.search_memberships, "composition"),
        (organization.search_contacts, "contacts"),
    ):
        for row in rows:
            links.setdefault(
                row.group_id,
                (translated_name(row.group, "name", language), f"{row.group.get_absolute_url()}#{section}"),
            )
    return sorted(links.values())


def organization_url(organization):
    links = organization_links(organization, translation.get_language())
    return links[0][1] if links else ""


def contact_context(contact, language):
    organization = contact.organization
    parts = [str(contact.get_role_display())]
    if organization is not None:
        name = translated_name(organization, "name", language)
        parts.append(f"{name} ({organization.acronym})" if organization.acronym else name)
    parts.append(translated_name(contact.group, "name", language))
    return " · ".join(parts)


def document_context(document, language):
    parts = [translated_name(document.document_type, "name", language)]
    if document.publication_date:
        parts.append(str(document.publication_date.year))
    return " · ".join(parts)


COUNTRIES = Declaration(
    kind=Entry.Kind.COUNTRY,
    model=Country,
    public=lambda: Country.objects.with_published_groups(),
    title="name",
    texts=(Text("name", "A"), Text("introduction", "B", shown=True)),
    names=("name",),
    url=Country.get_absolute_url,
    also=("slug",),
    depends_on=(Depends(WorkingGroup, "working_groups", ("status", "country")),),
)

GROUPS = Declaration(
    kind=Entry.Kind.GROUP,
    model=WorkingGroup,
    public=lambda: published_groups().select_related("country"),
    title="name",
    texts=(
        Text("name", "A"),
        Text("acronym", "A", translated=False),
        Text("location", "B"),
        Text("founded_by", "C"),
        Text("overview", "B", shown=True),
        Text("vision", "B", shown=True),
        Text("composition", "C", shown=True),
        Text("activities_summary", "C", shown=True),
    ),
    names=("name", "acronym", "location"),
    url=WorkingGroup.get_absolute_url,
    context=group_context,
    also=GROUP_SHOWN,
    depends_on=(Depends(Country, "country", ("name", "slug")),),
)

ORGANIZATIONS = Declaration(
    kind=Entry.Kind.ORGANIZATION,
    model=Organization,
    public=public_organizations,
    title="name",
    texts=(Text("name", "A"), Text("acronym", "A", translated=False)),
    names=("name", "acronym"),
    url=organization_url,
    links=organization_links,
    depends_on=(
        Depends(Membership, "memberships"),
        Depends(Contact, "contacts", ("organization", "group", "is_public")),
        Depends(WorkingGroup, "memberships__group", GROUP_SHOWN),
        Depends(WorkingGroup, "contacts__group", GROUP_SHOWN),
        Depends(Country, "memberships__group__country", ("slug",)),
        Depends(Country, "contacts__group__country", ("slug",)),
    ),
)

CONTACTS = Declaration(
    kind=Entry.Kind.CONTACT,
    model=Contact,
    public=lambda: public_contacts().select_related("organization", "group__country"),
    title="person",
    # Names only: never the addresses or the phone number.
    texts=(
        Text("person", "A", translated=False),
        Text("organization.name", "B"),
        Text("organization.acronym", "B", translated=False),
    ),
    names=("person", "organization.name", "organization.acronym"),
    url=in_group("contacts"),
    context=contact_context,
    also=("group", "is_public", "role"),
    depends_on=(
        Depends(WorkingGroup, "group", GROUP_SHOWN),
        Depends(Country, "group__country", ("slug",)),
        Depends(Organization, "organization", ("name", "acronym")),
    ),
)

OBJECTIVES = Declaration(
    kind=Entry.Kind.OBJECTIVE,
    model=Objective,
    public=lambda: Objective.objects.filter(group__in=published_groups()).select_related("group__country"),
    title="text",
    texts=(Text("text", "A"),),
    url=in_group("objectives"),
    context=lambda objective, language: translated_name(objective.group, "name", language),
    also=("group",),
    depends_on=(Depends(WorkingGroup, "group", GROUP_SHOWN), Depends(Country, "group__country", ("slug",))),
)

ACTIVITIES = Declaration(
    kind=Entry.Kind.ACTIVITY,
    model=Activity,
    public=lambda: Activity.objects.filter(group__in=published_groups()).select_related("group__country"),
    title="title",
    texts=(Text("title", "A"), Text("description", "B", shown=True)),
    url=in_group("activities"),
    context=lambda activity, language: translated_name(activity.group, "name", language),
    also=("group",),
    depends_on=(Depends(WorkingGroup, "group", GROUP_SHOWN), Depends(Country, "group__country", ("slug",))),
)

DOCUMENTS = Declaration(
    kind=Entry.Kind.DOCUMENT,
    model=Document,
    public=lambda: Document.objects.published().select_related("document_type"),
    title="title",
    texts=(Text("title", "A"), Text("summary", "B", shown=True)),
    url=Document.get_absolute_url,
    context=document_context,
    also=("status", "slug", "publication_date", "document_type"),
    depends_on=(Depends(DocumentType, "document_type", ("name",)),),
)

# A document's files: each text in an entry of its own, which finds the document but is not ranked.
DOCUMENT_FILES = Declaration(
    kind=Entry.Kind.DOCUMENT,
    model=DocumentFile,
    public=lambda: DocumentFile.objects.published().only("document_id", "language", "text"),
    title="",
    texts=(Text("text", "D", shown=True, translated=False, language="language"),),
    url=lambda document_file: "",
    part_of="document",
    also=("language",),
    body_characters=EXCERPT_FILE_CHARACTERS,
    batch_size=50,
    depends_on=(Depends(Document, "document", ("status",)),),
)

DECLARATIONS = (COUNTRIES, GROUPS, ORGANIZATIONS, CONTACTS, OBJECTIVES, ACTIVITIES, DOCUMENTS, DOCUMENT_FILES)
