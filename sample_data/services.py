"""A generated, clearly fictitious dataset of any size: ``generate()``, the one way in.

- Everything is created with ``bulk_create`` in batches, inside one transaction whose stored files are deleted
  again if it fails (icwg_portal/media_store.py): a dataset is there whole or not at all.
- bulk_create calls no ``save()`` and sends no signals (nor do the plain DELETEs that replace a previous
  dataset), so whatever keeps derived data current on save has not seen the change: ``generate()`` ends by
  calling ``after_bulk_load()`` once it is committed.
- Generated content is marked: the slugs of countries, documents and document types start with
  ``SAMPLE_PREFIX``; groups (with their objectives, activities, memberships and contacts) hang from those
  countries; organizations' websites are at example.org (``SAMPLE_WEBSITE``). ``delete_sample_content()``
  deletes only that, never the Peru content or what staff made; the pillars and the Peru content's document
  types are shared, reused as they are, and never deleted.
- Files are written as the upload path writes them (the field's ``upload_to``, through the storage API, with
  ``store_file``), and each DocumentFile carries what the upload inspection would have found in its file
  (format, size, checksum, pages, text, cover) without inspecting 20,000 files: the writer knows. Covers are
  a dozen pictures of a first page, each stored once and shared by many files (a stored file stays while
  any record refers to it): storing, and later deleting, 20,000 more files takes longer here than the rest.
- The same seed gives the same content (names, texts, files' bytes); only what the app itself draws at random
  or from the clock differs between runs: primary keys, timestamps, the files' random folder names.
"""

import hashlib
import math
import random
import string
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, router, transaction
from django.utils import translation
from django.utils.text import slugify

from contacts.models import Contact
from documents.models import Document, DocumentFile, DocumentType, FileFormat, FileKind
from documents.uploads import MIME_TYPES, readable_filename, storage_filename
from groups import seed_peru
from groups.models import (
    Activity,
    Country,
    Membership,
    Objective,
    Organization,
    Pillar,
    PublicationStatus,
    WorkingGroup,
)
from icwg_portal import page_cache
from icwg_portal.media_store import atomic_with_files, delete_stored_files, referenced_names, store_file
from sample_data import content, images
from sample_data.pdf import wrapped, written_pdf
from search.index import rebuild as rebuild_search_index

SAMPLE_PREFIX = "sample-"
SAMPLE_WEBSITE = ".example.org/"  # the end of every generated organization's website
DEFAULT_SEED = 11
# Publication dates and the like spread over 15 years up to a fixed day, so that runs are identical.
LAST_DAY = date(2026, 11, 30)
FIRST_DAY = date(2011, 12, 1)
# Codes ISO 3166-1 leaves to users, so that no fictitious country takes a real country's code.
USER_ASSIGNED_ISO_CODES = [
    "AA",
    *(f"Q{c}" for c in "MNOPQRSTUVWXYZ"),
    *(f"X{c}" for c in string.ascii_uppercase),
    "ZZ",
]
ORGANIZATIONS_PER_GROUP = 20
BIG_GROUP_DOCUMENTS = 200
DOCUMENT_BATCH = 500
LINES_PER_PAGE = 46
LINE_WIDTH = 92  # characters of 10.5 pt Helvetica across the page's text width
PDF_MIME_TYPE = MIME_TYPES[FileFormat.PDF]

DOCUMENT_TYPE_WEIGHTS = {
    "national-model": 2,
    "stakeholder-mapping": 8,
    "study": 20,
    "guidance": 10,
    "terms-of-reference": 6,
    "minutes": 22,
    "annual-report": 12,
    "presentation": 20,
}


class SampleDataError(Exception):
    """Sample data cannot be generated as asked (it exists already, or the sizes do not fit)."""


@dataclass
class GeneratedSite:
    """What ``generate()`` made: counts by kind, the time it took, and records to look at."""

    counts: Counter
    seconds: float
    file_bytes: int
    countries: list
    big_group: WorkingGroup
    deleted: Counter = field(default_factory=Counter)

    def summary(self):
        c = self.counts
        return (
            f"{c['countries']:,} countries, {c['groups']:,} working groups, {c['organizations']:,} "
            f"organizations, {c['memberships']:,} memberships, {c['objectives']:,} objectives, "
            f"{c['activities']:,} activities, {c['contacts']:,} contacts, {c['documents']:,} documents "
            f"({c['files']:,} PDF files, {self.file_bytes / 1e6:.1f} MB) in {self.seconds:.1f} s"
        )


def after_bulk_load(progress=lambda message: None):
    """Called once by generate(), after the generated rows are committed.

    bulk_create() calls no save() and sends no post_save signal (and a replaced dataset went with plain
    DELETEs, sending no post_delete), so nothing that keeps derived data current on save and delete has seen
    the change: the search index is rebuilt for everything, and every stored page made obsolete.
    """
    rebuild_search_index(progress)
    page_cache.content_changed()


# --- What is there already ----------------------------------------------------------------------------------


def sample_countries():
    return Country.objects.filter(slug__startswith=SAMPLE_PREFIX)


def sample_documents():
    return Document.objects.filter(slug__startswith=SAMPLE_PREFIX)


def sample_organizations():
    return Organization.objects.filter(website__startswith="https://", website__endswith=SAMPLE_WEBSITE)


def existing_sample_content():
    """Counts of the generated records in the database (all zero when there are none)."""
    return Counter(
        countries=sample_countries().count(),
        documents=sample_documents().count(),
        organizations=sample_organizations().count(),
    )


def delete_sample_content(progress=lambda message: None):
    """Delete every generated record, and its stored files once the deletion commits; return the counts.

    Rows go with plain DELETEs, dependents first (the database's foreign keys refuse any forgotten), without
    loading them or sending a signal per row: replacing 20,000 documents one signal at a time takes many
    minutes. Like bulk_create, it leaves derived data to ``after_bulk_load()``, which generate() calls.
    """
    countries = list(sample_countries().values_list("pk", flat=True))
    groups = list(WorkingGroup.objects.filter(country__in=countries).values_list("pk", flat=True))
    activities = list(Activity.objects.filter(group__in=groups).values_list("pk", flat=True))
    documents = list(sample_documents().values_list("pk", flat=True))
    files = DocumentFile.objects.filter(document__in=sample_documents())
    stored = [
        (model_field.storage, name)
        for queryset, model_field in [
            (files, DocumentFile._meta.get_field("file")),
            (files, DocumentFile._meta.get_field("cover")),
            (WorkingGroup.objects.filter(pk__in=groups), WorkingGroup._meta.get_field("image")),
            (Country.objects.filter(pk__in=countries), Country._meta.get_field("image")),
        ]
        for name in queryset.exclude(**{model_field.name: ""}).values_list(model_field.name, flat=True)
    ]
    deleted = Counter()
    with transaction.atomic():
        delete_rows(Activity.documents.through, "activity", activities)
        delete_rows(Activity.documents.through, "document", documents)
        delete_rows(Document.groups.through, "document", documents)
        delete_rows(Document.groups.through, "workinggroup", groups)
        delete_rows(WorkingGroup.coordinators.through, "workinggroup", groups)
        delete_rows(DocumentFile, "document", documents)
        deleted["documents"] = delete_rows(Document, "pk", documents)
        for model in (Objective, Activity, Membership, Contact):
            delete_rows(model, "group", groups)
        deleted["groups"] = delete_rows(WorkingGroup, "pk", groups)
        deleted["countries"] = delete_rows(Country, "pk", countries)
        # Kept while anything else (a document or membership staff added) still uses them.
        unused_types = DocumentType.objects.filter(slug__startswith=SAMPLE_PREFIX, documents=None)
        delete_rows(DocumentType, "pk", list(unused_types.values_list("pk", flat=True)))
        unused = sample_organizations().filter(memberships=None, contacts=None, published_documents=None)
        deleted["organizations"] = delete_rows(Organization, "pk", list(unused.values_list("pk", flat=True)))
        transaction.on_commit(lambda: discard_unreferenced(stored, progress))
    progress(
        f"replaced: deleted {deleted['countries']:,} countries, {deleted['groups']:,} groups, "
        f"{deleted['documents']:,} documents and {deleted['organizations']:,} organizations of sample data"
    )
    return deleted


def delete_rows(model, field_name, values, batch_size=500):
    """DELETE the rows of ``model`` whose ``field_name`` is one of ``values``; return how many went."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
    table, column = quote(model._meta.db_table), quote(field.column)
    deleted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch_size):
            batch = values[start : start + batch_size]
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(batch))})", batch)
            deleted += cursor.rowcount
    return deleted


def discard_unreferenced(stored, progress=lambda message: None):
    """Delete the stored files that nothing (no record, no version in the history) refers to any more."""
    started = time.monotonic()
    referenced = {}
    unreferenced = []
    for storage, name in dict.fromkeys(stored):  # covers are shared: once each
        if id(storage) not in referenced:
            referenced[id(storage)] = referenced_names(storage)
        if name not in referenced[id(storage)]:
            unreferenced.append((storage, name))
    delete_stored_files(unreferenced)
    progress(
        f"replaced: removed the {len(unreferenced):,} stored files of the replaced data "
        f"({time.monotonic() - started:.1f} s)"
    )


# --- Generating ---------------------------------------------------------------------------------------------


def generate(
    countries=30,
    groups=300,
    documents=20_000,
    organizations=None,
    seed=DEFAULT_SEED,
    replace=False,
    progress=lambda message: None,
):
    """Generate a dataset of the given sizes (organizations: 20 a group by default) and return what it made.

    Refuses (SampleDataError) when generated content is in the database already, unless ``replace``: then
    that content is deleted first, in the same transaction. ``progress`` receives a line per stage and
    about every 5% of the documents.
    """
    organizations = groups * ORGANIZATIONS_PER_GROUP if organizations is None else organizations
    check_sizes(countries, groups, documents, organizations)
    started = time.monotonic()
    existing = existing_sample_content()
    if any(existing.values()) and not replace:
        raise SampleDataError(
            f"This database already holds generated sample data ({existing['countries']:,} countries, "
            f"{existing['documents']:,} documents, {existing['organizations']:,} organizations). Run again "
            "with --replace to delete it and generate a new dataset (the Peru content and anything else "
            "is kept)."
        )
    generation = Generation(random.Random(seed), progress, started)
    # Under the default language, the untranslated column behind each translated field holds the Spanish
    # text, as modeltranslation expects (and as manage.py load_peru_content writes it).
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), atomic_with_files():
        deleted = delete_sample_content(progress) if any(existing.values()) else Counter()
        generation.run(countries, groups, documents, organizations)
    after_bulk_load(progress)
    return GeneratedSite(
        counts=generation.counts,
        seconds=time.monotonic() - started,
        file_bytes=generation.file_bytes,
        countries=generation.countries,
        big_group=generation.big_group,
        deleted=deleted,
    )


def check_sizes(countries, groups, documents, organizations):
    if min(countries, groups, documents, organizations) < 0 or countries < 1:
        raise SampleDataError("Sizes must be whole numbers, with at least one country.")
    # Codes that generated countries hold now are free again once they are replaced.
    others = Country.objects.exclude(slug__startswith=SAMPLE_PREFIX)
    taken = set(others.filter(iso_code__in=USER_ASSIGNED_ISO_CODES).values_list("iso_code", flat=True))
    free_codes = [code for code in USER_ASSIGNED_ISO_CODES if code not in taken]
    if countries > len(free_codes):
        raise SampleDataError(
            f"At most {len(free_codes)} countries: fictitious countries take the ISO codes reserved for "
            "user assignment (AA, QM–QZ, XA–XZ, ZZ) that no other country holds, never a real country's code."
        )
    if groups < countries:
        raise SampleDataError(f"Every country needs a group: give at least {countries} groups.")


def days_after(day, rng, last=LAST_DAY):
    return day + timedelta(days=rng.randrange(max(1, (last - day).days)))


def chosen(rng, weights):
    return rng.choices(list(weights), list(weights.values()))[0]


def bilingual(prefix, pair):
    return {f"{prefix}_es": pair[0], f"{prefix}_en": pair[1]}


class Generation:
    def __init__(self, rng, progress, started):
        self.rng, self.progress, self.started = rng, progress, started
        self.counts = Counter()
        self.file_bytes = 0

    def report(self, message):
        self.progress(f"{message} ({time.monotonic() - self.started:.1f} s)")

    def run(self, countries, groups, documents, organizations):
        self.pillars = self.shared_pillars()
        self.document_types = self.make_document_types()
        self.make_countries(countries)
        self.make_organizations(organizations)
        self.make_groups(groups)
        self.make_documents(documents)
        self.link_activities_to_documents()

    # --- Shared vocabularies: the Peru content's, reused (or created as it would create them) ---------------

    def shared_pillars(self):
        pillars = {}
        for data in seed_peru.PILLARS:
            fields = {name: value for name, value in data.items() if name != "slug"}
            pillars[data["slug"]] = Pillar.objects.get_or_create(slug=data["slug"], defaults=fields)[0]
        return pillars

    def make_document_types(self):
        seeded = {data["slug"]: data for data in seed_peru.DOCUMENT_TYPES}
        types = {}
        for order, (slug, name_es, name_en) in enumerate(content.DOCUMENT_TYPES, start=1):
            if slug in seeded:
                fields = {name: value for name, value in seeded[slug].items() if name != "slug"}
                types[slug] = DocumentType.objects.get_or_create(slug=slug, defaults=fields)[0]
            else:
                types[slug] = DocumentType.objects.create(
                    slug=SAMPLE_PREFIX + slug, order=order, name_es=name_es, name_en=name_en
                )
                self.counts["document_types"] += 1
        return types

    # --- Countries ------------------------------------------------------------------------------------------

    def make_countries(self, count):
        rng = self.rng
        taken = set(Country.objects.values_list("iso_code", flat=True))
        codes = [code for code in USER_ASSIGNED_ISO_CODES if code not in taken]
        self.countries, self.outlines, self.places, self.phrasebooks = [], {}, {}, {}
        for name, code in zip(content.country_names(rng, count), codes, strict=False):
            center = (rng.uniform(-160, 160), rng.uniform(-45, 55))
            outline, inner_radius = self.outline(center)
            places = content.place_names(rng, 40)
            self.phrasebooks[SAMPLE_PREFIX + slugify(name)] = content.Phrasebook(rng, places)
            introduction = content.country_introduction(rng, name)
            country = Country(
                slug=SAMPLE_PREFIX + slugify(name),
                iso_code=code,
                name_es=name,
                name_en=name,
                **bilingual("introduction", introduction),
                image_alt_es=f"Ilustración de colinas de {name} bajo el cielo",
                image_alt_en=f"Illustration of hills in {name} under the sky",
                vpi_status=rng.choice(list(Country.VPIStatus.values)),
                outline=outline,
            )
            if country.vpi_status:
                country.vpi_status_since = rng.randint(2005, 2025)
            store_file(country.image, f"{slugify(name)}.jpg", ContentFile(images.landscape(rng)))
            self.outlines[country.slug] = (center, inner_radius)
            self.places[country.slug] = places
            self.countries.append(country)
        Country.objects.bulk_create(self.countries)
        self.counts["countries"] = len(self.countries)
        self.report(f"countries: {len(self.countries):,} with map outlines")

    def outline(self, center):
        """A country's border around ``center``: a wobbly loop of [longitude, latitude] points, and the
        radius (degrees of latitude) of a circle around the centre that lies inside it."""
        rng = self.rng
        longitude, latitude = center
        points, radii = rng.randint(24, 48), []
        size, lobes, phase = rng.uniform(2.5, 7), rng.randint(2, 5), rng.uniform(0, math.tau)
        stretch = math.cos(math.radians(latitude))
        outline = []
        for step in range(points):
            angle = math.tau * step / points
            radius = size * (1 + 0.22 * math.sin(lobes * angle + phase) + rng.uniform(-0.1, 0.1))
            radii.append(radius)
            outline.append(
                [
                    round(longitude + radius * math.cos(angle) / stretch, 2),
                    round(latitude + radius * math.sin(angle), 2),
                ]
            )
        # Each side is at least this far from the centre, so a smaller circle is inside the loop.
        return outline, 0.8 * min(radii) * math.cos(math.pi / points)

    def point_inside(self, country):
        (longitude, latitude), radius = self.outlines[country.slug]
        angle, distance = self.rng.uniform(0, math.tau), radius * math.sqrt(self.rng.random())
        stretch = math.cos(math.radians(latitude))
        return (
            Decimal(f"{latitude + distance * math.sin(angle):.4f}"),
            Decimal(f"{longitude + distance * math.cos(angle) / stretch:.4f}"),
        )

    # --- Organizations --------------------------------------------------------------------------------------

    def make_organizations(self, count):
        rng = self.rng
        self.pools = {country.slug: {} for country in self.countries}  # country → pillar slug → organizations
        shares = self.shares(count, len(self.countries))
        # Names are unique (not only name and acronym, as the database requires): one ministry of each kind.
        taken = set(Organization.objects.values_list("name_es", flat=True))
        made = []
        for country, share in zip(self.countries, shares, strict=True):
            for _ in range(share):
                kind = chosen(rng, content.ORGANIZATION_KINDS)
                for attempt in range(100):
                    name_es, name_en = content.organization_names(
                        rng, kind, country.name_es, self.places[country.slug]
                    )
                    if attempt >= 50:  # a tiny country with many organizations: numbered branches
                        name_es, name_en = (
                            f"{name_es} (sede {attempt - 48})",
                            f"{name_en} (branch {attempt - 48})",
                        )
                    if name_es not in taken:
                        break
                taken.add(name_es)
                acronym = content.acronym_of(name_es) if kind != "company" and rng.random() < 0.6 else ""
                organization = Organization(
                    name_es=name_es,
                    name_en=name_en,
                    acronym=acronym,
                    kind=kind,
                    website=f"https://{slugify(name_es)[:60].strip('-')}{SAMPLE_WEBSITE}",
                )
                made.append(organization)
                pillar = content.PILLAR_OF_KIND[kind]
                self.pools[country.slug].setdefault(pillar, []).append(organization)
        Organization.objects.bulk_create(made, batch_size=1000)
        self.counts["organizations"] = len(made)
        self.report(f"organizations: {len(made):,}")

    def shares(self, total, parts, weights=None):
        """``total`` split into ``parts`` whole shares, in proportion to ``weights`` (equal by default)."""
        weights = weights or [1] * parts
        exact = [total * weight / sum(weights) for weight in weights]
        shares = [math.floor(value) for value in exact]
        by_remainder = sorted(range(parts), key=lambda i: exact[i] - shares[i], reverse=True)
        for index in by_remainder[: total - sum(shares)]:
            shares[index] += 1
        return shares

    # --- Working groups and what they hold ------------------------------------------------------------------

    def make_groups(self, count):
        rng = self.rng
        # At least one group per country; the rest where they fall, some countries with many.
        per_country = [1] * len(self.countries)
        for _ in range(count - len(self.countries)):
            per_country[rng.choices(range(len(self.countries)), self.country_weights())[0]] += 1
        self.groups = []
        for country, number in zip(self.countries, per_country, strict=True):
            places = self.places[country.slug]
            for order in range(1, number + 1):
                self.groups.append(self.group(country, places[order - 1] if order <= 30 else None, order))
        self.big_group = self.groups[0]
        self.big_group.status = PublicationStatus.PUBLISHED
        WorkingGroup.objects.bulk_create(self.groups, batch_size=500)
        self.counts["groups"] = len(self.groups)
        self.activities_by_group = {}
        objectives, activities, memberships, contacts = [], [], [], []
        for group in self.groups:
            objectives += self.objectives(group)
            self.activities_by_group[group.pk] = self.activities(group)
            activities += self.activities_by_group[group.pk]
            group_memberships = self.memberships(group)
            memberships += group_memberships
            contacts += self.contacts(group, group_memberships)
        Objective.objects.bulk_create(objectives, batch_size=1000)
        Activity.objects.bulk_create(activities, batch_size=1000)
        Membership.objects.bulk_create(memberships, batch_size=1000)
        Contact.objects.bulk_create(contacts, batch_size=1000)
        self.counts.update(
            objectives=len(objectives),
            activities=len(activities),
            memberships=len(memberships),
            contacts=len(contacts),
        )
        self.report(
            f"working groups: {len(self.groups):,} with {len(objectives):,} objectives, "
            f"{len(activities):,} activities, {len(memberships):,} memberships, {len(contacts):,} contacts"
        )

    def country_weights(self):
        if not hasattr(self, "_country_weights"):
            self._country_weights = [self.rng.uniform(0.3, 2.0) for _ in self.countries]
        return self._country_weights

    def group(self, country, place, order):
        rng = self.rng
        places = self.places[country.slug]
        if place is None:  # more groups than a country has places: a second group in the same place
            place = f"{rng.choice(places)} {order}"
        is_partner = rng.random() < 0.65
        location = (place, place)
        if rng.random() < 0.2:
            other = rng.choice([p for p in places if p != place])
            location = (f"{place} y {other}", f"{place} and {other}")
        year = rng.randint(2008, 2022)
        founders = rng.choice(content.FOUNDERS)
        topic, other_topic = rng.sample(content.TOPICS, 2)
        latitude, longitude = self.point_inside(country)
        name_es = f"Grupo de Trabajo de los Principios Voluntarios de {place}"
        name_en = f"{place} {'Partner ' if is_partner else ''}In-Country Working Group"
        group = WorkingGroup(
            country=country,
            slug=slugify(place),
            name_es=name_es,
            name_en=name_en,
            acronym=f"GTPV-{slugify(place).replace('-', '')[:4].upper()}",
            kind=WorkingGroup.Kind.PARTNER if is_partner else WorkingGroup.Kind.VPI,
            year_founded=year,
            latitude=latitude,
            longitude=longitude,
            status=PublicationStatus.PUBLISHED if rng.random() < 0.9 else PublicationStatus.DRAFT,
            order=order,
            **bilingual("location", location),
            **bilingual("founded_by", founders),
            **bilingual("overview", content.group_overview(rng, place, year, founders)),
            vision_es=f"Un territorio donde {topic[0]} se aborda con respeto pleno de los derechos humanos.",
            vision_en=f"A region where {topic[1]} is handled with full respect for human rights.",
            composition_es=(
                "El grupo reúne a actores de los tres pilares (Estado, empresas y sociedad civil) y cuenta "
                "con el acompañamiento de observadores, entre ellos embajadas y agencias de cooperación."
            ),
            composition_en=(
                "The group brings together actors from the three pillars (State, companies and civil "
                "society) and is accompanied by observers, among them embassies and cooperation agencies."
            ),
            activities_summary_es=f"Sus principales líneas de trabajo son {topic[0]} y {other_topic[0]}.",
            activities_summary_en=f"Its main lines of work are {topic[1]} and {other_topic[1]}.",
            image_alt_es=f"Logotipo del {name_es}",
            image_alt_en=f"Logo of the {name_en}",
        )
        initials = "".join(word[0] for word in place.split()[:2]).upper()
        store_file(group.image, f"{group.slug}.png", ContentFile(images.logo(rng, initials)))
        return group

    def objectives(self, group):
        rng = self.rng
        count = 0 if rng.random() < 0.1 else rng.randint(2, 6)
        places = self.places[group.country.slug]
        return [
            Objective(group=group, order=order, **bilingual("text", content.filled(pair, rng, places)))
            for order, pair in enumerate(
                rng.sample(content.OBJECTIVES, min(count, len(content.OBJECTIVES))), 1
            )
        ]

    def activities(self, group):
        rng = self.rng
        places = self.places[group.country.slug]
        phrasebook, years = self.phrasebooks[group.country.slug], range(group.year_founded, 2027)
        made = []
        for order in range(1, rng.randint(3, 10) + 1):
            kind = rng.choice(list(content.ACTIVITIES))
            activity = Activity(
                group=group,
                kind=kind,
                order=order,
                **bilingual("title", content.filled(content.ACTIVITIES[kind], rng, places)),
                **bilingual("description", phrasebook.paragraph(rng.randint(1, 2), years)),
            )
            if rng.random() < 0.65:
                activity.start_date = days_after(date(group.year_founded, 1, 1), rng)
                if rng.random() < 0.3:
                    activity.end_date = activity.start_date + timedelta(days=rng.randint(1, 3))
            made.append(activity)
        return made

    def memberships(self, group):
        rng = self.rng
        pool = self.pools[group.country.slug]
        wanted = {"state": (2, 6), "companies": (2, 7), "civil-society": (3, 8), None: (0, 3)}
        made = []
        for pillar, (fewest, most) in wanted.items():
            candidates = pool.get(pillar, [])
            for organization in rng.sample(candidates, min(rng.randint(fewest, most), len(candidates))):
                membership = Membership(
                    group=group,
                    organization=organization,
                    pillar=self.pillars[pillar] if pillar else None,
                    role=Membership.Role.OBSERVER if pillar is None else Membership.Role.MEMBER,
                    representative=content.person_name(rng),
                    is_public=rng.random() < 0.92,
                )
                if pillar and rng.random() < 0.1:
                    membership.role = Membership.Role.GUEST
                if rng.random() < 0.6:
                    membership.start_date = days_after(date(group.year_founded, 1, 1), rng)
                    if rng.random() < 0.1:
                        membership.end_date = days_after(membership.start_date, rng)
                made.append(membership)
        in_pillars = [membership for membership in made if membership.pillar]
        if in_pillars:
            rng.choice(in_pillars).role = Membership.Role.CHAIR
            civil = [
                m for m in in_pillars if m.pillar.slug == "civil-society" and m.role == Membership.Role.MEMBER
            ]
            if civil:
                rng.choice(civil).role = Membership.Role.TECHNICAL_SECRETARIAT
        return made

    def contacts(self, group, memberships):
        rng = self.rng
        made, people = [], set()
        for order in range(1, rng.randint(1, 3) + 1):
            person = content.person_name(rng)
            if person in people:
                continue
            people.add(person)
            organization = (
                rng.choice(memberships).organization if memberships and rng.random() < 0.9 else None
            )
            emails = [content.email_for(rng, person, organization.name_es if organization else group.slug)]
            if rng.random() < 0.4:
                emails.append(f"secretaria@grupo-{group.slug}.{rng.choice(['example.org', 'example.net'])}")
            contact = Contact(
                group=group,
                organization=organization,
                person=person,
                role=rng.choice(Contact.Role.values),
                emails="\n".join(emails),
                phone=content.fictitious_phone(rng) if rng.random() < 0.5 else "",
                is_public=rng.random() < 0.7,
                order=order,
            )
            if rng.random() < 0.8:
                contact.last_verified = days_after(LAST_DAY - timedelta(days=730), rng)
            made.append(contact)
        return made

    # --- Documents and their files --------------------------------------------------------------------------

    def make_documents(self, count):
        self.covers = self.shared_covers()
        self.documents_by_group = {}
        groups_of = self.document_groups(count)
        self.file_number = 0
        batch, reported = min(DOCUMENT_BATCH, max(50, count // 20)), 0
        for start in range(0, count, batch):
            self.document_batch(range(start, min(count, start + batch)), groups_of)
            done = min(count, start + batch)
            if done * 20 // count > reported or done == count:  # a line about every 5%
                reported = done * 20 // count
                self.report(f"documents: {done:,}/{count:,} ({100 * done // count}%)")
        if not count:
            self.report("documents: none")

    def document_groups(self, count):
        """The groups of each document: the big group's first, then the others' by chance."""
        rng = self.rng
        others = self.groups[1:]
        big = min(BIG_GROUP_DOCUMENTS, count // 2) if others else count
        by_country = {}
        for group in others:
            by_country.setdefault(group.country.slug, []).append(group)
        weights = [rng.uniform(0.5, 1.5) for _ in others]
        groups_of = [[self.big_group] for _ in range(big)]
        for _ in range(count - big):
            if not others or rng.random() < 0.04:
                groups_of.append([])  # in the library only
                continue
            group = rng.choices(others, weights)[0]
            linked = [group]
            neighbours = [g for g in by_country[group.country.slug] if g is not group]
            if neighbours and rng.random() < 0.12:
                linked.append(rng.choice(neighbours))
            groups_of.append(linked)
        return groups_of

    def document_batch(self, numbers, groups_of):
        rng = self.rng
        documents, files, links = [], [], []
        for number in numbers:
            linked = groups_of[number]
            country = linked[0].country if linked else rng.choice(self.countries)
            places = self.places[country.slug]
            type_slug = chosen(rng, DOCUMENT_TYPE_WEIGHTS)
            document_type = self.document_types[type_slug]
            type_names = (document_type.name_es, document_type.name_en)
            published_on = days_after(FIRST_DAY, rng)
            title = content.document_title(rng, type_slug, country.name_es, places, published_on.year)
            phrasebook, years = (
                self.phrasebooks[country.slug],
                range(published_on.year - 3, published_on.year + 1),
            )
            group_name = (linked[0].name_es, linked[0].name_en) if linked else ("Secretaría", "Secretariat")
            summary = phrasebook.paragraph(2, years)
            languages = chosen(rng, {("es",): 72, ("en",): 13, ("es", "en"): 8, ("en", "es"): 7})
            is_published = rng.random() < 0.92
            pool = self.pools[country.slug]
            publishers = pool.get("civil-society", []) + pool.get("state", [])
            document = Document(
                slug=f"{SAMPLE_PREFIX}{slugify(title[0])[:120].strip('-')}-{number + 1}",
                document_type=document_type,
                language=languages[0],
                publication_date=published_on,
                publisher=rng.choice(publishers) if publishers and rng.random() < 0.7 else None,
                status=PublicationStatus.PUBLISHED if is_published else PublicationStatus.DRAFT,
                **bilingual("title", title),
                summary_es=f"{type_names[0]} — {group_name[0]}. {summary[0]}",
                summary_en=f"{type_names[1]} — {group_name[1]}. {summary[1]}",
            )
            documents.append(document)
            body = self.body(phrasebook, years, rng.choices([1, 2, 3, 4, 5], [3, 4, 3, 1, 1])[0])
            for language in languages:
                files.append(self.document_file(document, language, title, group_name, body, is_published))
            links += [(document, group) for group in linked]
        Document.objects.bulk_create(documents)
        for document_file in files:
            document_file.document_id = document_file.document.pk
        DocumentFile.objects.bulk_create(files)
        Document.groups.through.objects.bulk_create(
            Document.groups.through(document_id=document.pk, workinggroup_id=group.pk)
            for document, group in links
        )
        for document, group in links:
            self.documents_by_group.setdefault(group.pk, []).append(document)
        self.counts.update(documents=len(documents), files=len(files))

    def body(self, phrasebook, years, pages):
        """Sections of paragraphs (Spanish and English pairs) enough for about ``pages`` pages."""
        wanted = pages * LINES_PER_PAGE - 8  # the title block takes the rest
        sections, lines = [], 0
        for number, heading in enumerate(content.SECTIONS, start=1):
            paragraphs, section_lines = [], 1
            while not paragraphs or section_lines < wanted / len(content.SECTIONS):
                paragraphs.append(phrasebook.paragraph(self.rng.randint(3, 6), years))
                section_lines += len(paragraphs[-1][0]) // (LINE_WIDTH - 10) + 2
            sections.append(((f"{number}. {heading[0]}", f"{number}. {heading[1]}"), paragraphs))
            lines += section_lines
            if lines >= wanted:
                break
        return sections

    def document_file(self, document, language, title, group_name, body, is_published):
        index = 0 if language == "es" else 1
        lines = [(True, line) for line in wrapped(title[index], 70)]
        lines.append((False, group_name[index]))
        lines.append((False, f"{document.publication_date:%d/%m/%Y}"))
        lines.append((False, ""))
        for heading, paragraphs in body:
            lines.append((True, heading[index]))
            for paragraph in paragraphs:
                lines += [(False, line) for line in wrapped(paragraph[index], LINE_WIDTH)]
                lines.append((False, ""))
        pages = [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)]
        pdf = written_pdf(pages, title=title[index])
        readable = readable_filename(f"{title[index]}.pdf", "pdf")
        cover_name, cover_width, cover_height = self.covers[self.file_number % len(self.covers)]
        self.file_number += 1
        document_file = DocumentFile(
            document=document,
            language=language,
            kind=FileKind.ORIGINAL if language == document.language else FileKind.TRANSLATION,
            note=(
                ("Traducción no oficial" if language == "es" else "Unofficial translation")
                if language != document.language and self.rng.random() < 0.3
                else ""
            ),
            original_filename=readable,
            format=FileFormat.PDF,
            mime_type=PDF_MIME_TYPE,
            size=len(pdf.content),
            sha256=hashlib.sha256(pdf.content).hexdigest(),
            page_count=pdf.page_count,
            text=pdf.text,
            cover=cover_name,
            cover_width=cover_width,
            cover_height=cover_height,
            download_count=self.rng.randint(0, 250) if is_published else 0,
        )
        store_file(document_file.file, storage_filename(readable), ContentFile(pdf.content))
        self.file_bytes += len(pdf.content)
        return document_file

    def shared_covers(self):
        """[(stored name, width, height)] of the covers files take in turn, stored where uploads' go."""
        stored = []
        for number, (cover, width, height) in enumerate(images.covers(), start=1):
            holder = DocumentFile()
            store_file(holder.cover, f"cover-{number}.jpg", ContentFile(cover))
            stored.append((holder.cover.name, width, height))
        return stored

    def link_activities_to_documents(self):
        """Some dated activities list a document of their group as their output."""
        rng = self.rng
        links = []
        for group in self.groups:
            documents = self.documents_by_group.get(group.pk, [])
            for activity in self.activities_by_group[group.pk]:
                if documents and activity.start_date and rng.random() < 0.25:
                    links += [
                        Activity.documents.through(activity_id=activity.pk, document_id=document.pk)
                        for document in rng.sample(documents, min(len(documents), rng.randint(1, 2)))
                    ]
        Activity.documents.through.objects.bulk_create(links, batch_size=1000)
        self.counts["activity_documents"] = len(links)
        self.report(f"activities' documents: {len(links):,} links")
