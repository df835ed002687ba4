"""The shapes of the open-data records, from which the OpenAPI description is generated (opendata/api.py)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

# A translated text: a string in the language asked for, or an object keyed by language for ``lang=all``.
Translated = str | dict[str, str]

FALLBACKS = (
    "The translated fields of this record shown in another language because they have no text in the one "
    'asked for, with the language shown (e.g. {"vision": "es"}). Empty for lang=all.'
)


class Reference(Schema):
    id: int
    slug: str


class NamedReference(Reference):
    name: Translated


class GroupOfCountry(NamedReference):
    pass


class Country(Schema):
    id: int = Field(description="Never changes, whatever is renamed.")
    slug: str = Field(description="The country's part of its page address; stable.")
    iso_code: str = Field(description="ISO 3166-1 alpha-2.")
    name: Translated
    introduction: Translated
    vpi_status: str = Field(description="The country's standing in the Voluntary Principles Initiative.")
    vpi_status_since: int | None
    url: Translated = Field(description="The country's page on the portal.")
    groups: list[GroupOfCountry] = Field(description="Its published working groups.")
    updated_at: datetime
    fallbacks: dict[str, str] = Field(description=FALLBACKS)


class OrganizationReference(Schema):
    id: int
    name: Translated
    acronym: str


class Member(Schema):
    organization: OrganizationReference
    role: str = Field(description="member, chair, secretariat, observer or guest.")
    start_date: date | None
    end_date: date | None


class Pillar(Schema):
    slug: str = Field(description="state, companies, civil-society…")
    name: Translated
    members: list[Member]


class Activity(Schema):
    id: int
    title: Translated
    description: Translated
    kind: str
    start_date: date | None
    end_date: date | None


class Group(Schema):
    id: int = Field(description="Never changes, whatever is renamed.")
    slug: str = Field(description="The group's part of its page address, unique within its country.")
    country: NamedReference
    name: Translated
    acronym: str
    kind: str = Field(description="vpi (a VPI In-Country Working Group) or partner.")
    location: Translated
    latitude: Decimal | None
    longitude: Decimal | None
    year_founded: int | None
    founded_by: Translated
    overview: Translated
    vision: Translated
    composition: Translated
    activities_summary: Translated
    url: Translated = Field(description="The group's page on the portal.")
    pillars: list[Pillar] = Field(description="Public members by pillar (pillars with members only).")
    observers: list[Member] = Field(description="Organizations that accompany the group outside the pillars.")
    objectives: list[Translated]
    activities: list[Activity] = Field(description="The latest 100 at most, newest first.")
    activities_total: int = Field(description="How many activities the group has in all.")
    updated_at: datetime = Field(description="Also moves when its objectives, activities or members change.")
    fallbacks: dict[str, str] = Field(description=FALLBACKS)


class Organization(Schema):
    id: int
    name: Translated
    acronym: str
    kind: str
    website: str
    updated_at: datetime
    fallbacks: dict[str, str] = Field(description=FALLBACKS)


class DocumentType(Schema):
    slug: str
    name: Translated


class Publisher(Schema):
    id: int
    name: Translated


class DocumentFile(Schema):
    language: str = Field(description="The language the file is written in (ISO 639-1).")
    kind: str = Field(description="original, translation or summary.")
    format: str
    media_type: str
    size: int = Field(description="In bytes.")
    pages: int | None
    sha256: str = Field(description="SHA-256 of the file, in hexadecimal: check a download with it.")
    download_url: str


class Document(Schema):
    id: int
    slug: str
    title: Translated
    summary: Translated
    type: DocumentType
    language: str = Field(description="The language the document itself is written in (ISO 639-1).")
    publication_date: date | None
    publisher: Publisher | None
    groups: list[Reference] = Field(description="The published working groups it belongs to.")
    external_url: str
    url: Translated = Field(description="The document's page on the portal.")
    files: list[DocumentFile]
    updated_at: datetime = Field(description="Also moves when one of its files changes.")
    fallbacks: dict[str, str] = Field(description=FALLBACKS)


class Email(Schema):
    user: str
    domain: str
    url: str = Field(description="The portal's link that opens a message to this address.")


class Contact(Schema):
    id: int
    group: Reference
    person: str
    role: str = Field(description="contact, coordinator, focal_point or secretariat.")
    organization: OrganizationReference | None
    emails: list[Email] = Field(description="As the site shows them: split in two, never a whole address.")
    phone: str
    updated_at: datetime
    fallbacks: dict[str, str] = Field(description=FALLBACKS)


class Page(Schema):
    language: str = Field(description="The language of the records, or all.")
    next: str | None = Field(description="The next page's address; null on the last page.")


class Countries(Page):
    results: list[Country]


class Groups(Page):
    results: list[Group]


class Organizations(Page):
    results: list[Organization]


class Documents(Page):
    results: list[Document]


class Contacts(Page):
    results: list[Contact]


class Error(Schema):
    detail: str = Field(description="What went wrong, in the language asked for.")
    errors: list[dict] | None = None
    retry_after: int | None = Field(None, description="After a 429: seconds before asking again.")
