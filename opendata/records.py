"""What the open data publishes of each kind of content: the published rows, and each one as a record.

Only what a visitor of the site can read is ever here: published groups and documents, the countries that
have published groups, public memberships and contacts of published groups, and the organizations that
appear in any of those. Each record comes in one language (``language`` "es", "en"…), its translated texts
falling back as the site's do — and saying so, in ``fallbacks`` — or in every language at once ("all"),
each translated text then an object keyed by language.
"""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact
from documents.models import DOWNLOAD, Document, DocumentFile
from groups.models import Activity, Country, Membership, Organization, WorkingGroup, in_every_language
from groups.templatetags.portal import text_and_language

EVERY_LANGUAGE = "all"
# A group's record carries its latest activities, however many it has: a record stays bounded.
ACTIVITIES_PER_GROUP = 100


def languages():
    return [code for code, _name in settings.LANGUAGES]


def page_language(language):
    """The language active while records are made (their addresses, their labels): the one asked for, or for
    "all" the default one, each translated text and address then given in every language."""
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE if language == EVERY_LANGUAGE else language


# --- The published rows -----------------------------------------------------------------------------------


def published_groups():
    return WorkingGroup.objects.published()


def countries():
    return (
        Country.objects.filter(Exists(published_groups().filter(country=OuterRef("pk"))))
        .defer("outline")  # the map outline: a page's drawing, not data
        .prefetch_related(
            Prefetch(
                "working_groups",
                queryset=published_groups().only("country", "slug", *in_every_language("name")),
            )
        )
    )


def groups():
    memberships = Membership.objects.public().select_related("organization", "pillar")
    return (
        published_groups()
        .select_related("country")
        .defer("country__outline")
        .prefetch_related(
            "objectives",
            Prefetch("memberships", queryset=memberships, to_attr="public_memberships"),
            # A slice of each group's activities (Django prefetches a slice into an attribute only).
            Prefetch(
                "activities",
                queryset=Activity.objects.latest_first()[:ACTIVITIES_PER_GROUP],
                to_attr="latest_activities_listed",
            ),
        )
        .annotate(activities_total=Count("activities", distinct=True))
    )


def documents():
    files = DocumentFile.objects.defer("text").order_by("language", "pk")
    return (
        Document.objects.published()
        .select_related("document_type", "publisher")
        .prefetch_related(
            Prefetch("files", queryset=files),
            Prefetch("groups", queryset=published_groups().only("slug")),
        )
    )


def contacts():
    return (
        Contact.objects.public().filter(group__in=published_groups()).select_related("organization", "group")
    )


def organizations():
    """Organizations a visitor meets somewhere: a public member of a published group, the publisher of a
    published document, or the organization of a public contact of a published group."""
    # Three hashed sets of ids, not three correlated subqueries per organization (0.6 s at 6,000).
    members = Membership.objects.public().filter(group__in=published_groups()).values("organization_id")
    publishers = Document.objects.published().filter(publisher__isnull=False).values("publisher_id")
    of_contacts = contacts().filter(organization__isnull=False).values("organization_id")
    return Organization.objects.filter(Q(pk__in=members) | Q(pk__in=publishers) | Q(pk__in=of_contacts))


# --- Records ----------------------------------------------------------------------------------------------


class Record:
    """Reads one row's fields in the requested language, remembering which texts fell back to another."""

    def __init__(self, language, request):
        self.language = language
        self.request = request
        self.fallbacks = {}

    def text(self, instance, field, path=None):
        """The text as the site shows it (modeltranslation's fallbacks, through the pages' own helper), its
        language noted when it is another; or every language's, for "all"."""
        if self.language == EVERY_LANGUAGE:
            return {code: getattr(instance, f"{field}_{code}") or "" for code in languages()}
        with translation.override(self.language):
            text, written_in = text_and_language(instance, field)
        if written_in != self.language:
            self.fallbacks[path or field] = written_in
        return text

    def address(self, path):
        """An absolute address of the site, in the record's language (every language's, for "all")."""
        if self.language == EVERY_LANGUAGE:
            return {code: self.address_in(code, path) for code in languages()}
        return self.address_in(self.language, path)

    def page_address(self, path):
        """An address in the page's language only (a download, an email link: the same file in every one)."""
        return self.address_in(page_language(self.language), path)

    def address_in(self, language, path):
        if translation.get_language() == language:  # the page's own language, active for all its records
            return self.origin() + path()
        with translation.override(language):
            return self.origin() + path()

    def origin(self):
        """The "https://host" of every address, once per request (build_absolute_uri() for each address cost
        a fifth of a page's time)."""
        origin = getattr(self.request, "_open_data_origin", None)
        if origin is None:
            origin = self.request._open_data_origin = self.request.build_absolute_uri("/").rstrip("/")
        return origin

    def finish(self, **fields):
        return {**fields, "fallbacks": self.fallbacks}


def country_record(country, language, request):
    record = Record(language, request)
    return record.finish(
        id=country.pk,
        slug=country.slug,
        iso_code=country.iso_code,
        name=record.text(country, "name"),
        introduction=record.text(country, "introduction"),
        vpi_status=country.vpi_status,
        vpi_status_since=country.vpi_status_since,
        url=record.address(country.get_absolute_url),
        groups=[
            {"id": group.pk, "slug": group.slug, "name": record.text(group, "name", f"groups.{index}.name")}
            for index, group in enumerate(country.working_groups.all())
        ],
        updated_at=country.updated_at,
    )


def organization_reference(record, organization, path):
    if organization is None:
        return None
    return {
        "id": organization.pk,
        "name": record.text(organization, "name", f"{path}.name"),
        "acronym": organization.acronym,
    }


def member(record, membership, path):
    return {
        "organization": organization_reference(record, membership.organization, f"{path}.organization"),
        "role": membership.role,
        "start_date": membership.start_date,
        "end_date": membership.end_date,
    }


def group_record(group, language, request):
    record = Record(language, request)
    pillars = {}
    observers = []
    for membership in group.public_memberships:
        if membership.pillar is None:
            observers.append(member(record, membership, f"observers.{len(observers)}"))
            continue
        pillar = pillars.setdefault(
            membership.pillar.pk,
            {
                "slug": membership.pillar.slug,
                "name": record.text(membership.pillar, "name", f"pillars.{membership.pillar.slug}.name"),
                "members": [],
            },
        )
        path = f"pillars.{pillar['slug']}.members.{len(pillar['members'])}"
        pillar["members"].append(member(record, membership, path))
    country = group.country
    return record.finish(
        id=group.pk,
        slug=group.slug,
        country={
            "id": country.pk,
            "slug": country.slug,
            "name": record.text(country, "name", "country.name"),
        },
        name=record.text(group, "name"),
        acronym=group.acronym,
        kind=group.kind,
        location=record.text(group, "location"),
        latitude=group.latitude,
        longitude=group.longitude,
        year_founded=group.year_founded,
        founded_by=record.text(group, "founded_by"),
        overview=record.text(group, "overview"),
        vision=record.text(group, "vision"),
        composition=record.text(group, "composition"),
        activities_summary=record.text(group, "activities_summary"),
        url=record.address(group.get_absolute_url),
        pillars=list(pillars.values()),
        observers=observers,
        objectives=[
            record.text(objective, "text", f"objectives.{index}")
            for index, objective in enumerate(group.objectives.all())
        ],
        activities=[
            {
                "id": activity.pk,
                "title": record.text(activity, "title", f"activities.{index}.title"),
                "description": record.text(activity, "description", f"activities.{index}.description"),
                "kind": activity.kind,
                "start_date": activity.start_date,
                "end_date": activity.end_date,
            }
            for index, activity in enumerate(group.latest_activities_listed)
        ],
        activities_total=group.activities_total,
        updated_at=group.updated_at,
    )


def organization_record(organization, language, request):
    record = Record(language, request)
    return record.finish(
        id=organization.pk,
        name=record.text(organization, "name"),
        acronym=organization.acronym,
        kind=organization.kind,
        website=organization.website,
        updated_at=organization.updated_at,
    )


def document_record(document, language, request):
    record = Record(language, request)
    publisher = document.publisher
    return record.finish(
        id=document.pk,
        slug=document.slug,
        title=record.text(document, "title"),
        summary=record.text(document, "summary"),
        type={
            "slug": document.document_type.slug,
            "name": record.text(document.document_type, "name", "type.name"),
        },
        language=document.language,
        publication_date=document.publication_date,
        publisher=(
            {"id": publisher.pk, "name": record.text(publisher, "name", "publisher.name")}
            if publisher
            else None
        ),
        groups=[{"id": group.pk, "slug": group.slug} for group in document.groups.all()],
        external_url=document.external_url,
        url=record.address(document.get_absolute_url),
        files=[
            {
                "language": file.language,
                "kind": file.kind,
                "format": file.format,
                "media_type": file.mime_type,
                "size": file.size,
                "pages": file.page_count,
                "sha256": file.sha256,
                "download_url": record.page_address(
                    lambda file=file: DOWNLOAD(slug=document.slug, language=file.language)
                ),
            }
            for file in document.files.all()
        ],
        updated_at=document.updated_at,
    )


def contact_record(contact, language, request):
    record = Record(language, request)
    return record.finish(
        id=contact.pk,
        group={"id": contact.group.pk, "slug": contact.group.slug},
        person=contact.person,
        role=contact.role,
        organization=organization_reference(record, contact.organization, "organization"),
        # As the site shows them: split, behind the site's own link, never a harvestable "user@domain".
        emails=[
            {
                "user": address.user,
                "domain": address.domain,
                "url": record.page_address(lambda index=index: contact_email_path(contact, index)),
            }
            for index, address in enumerate(contact.obfuscated_emails)
        ],
        phone=contact.phone,
        updated_at=contact.updated_at,
    )


def contact_email_path(contact, index):
    return reverse("contacts:email", args=[contact.pk, index])
