from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from contacts.models import Contact
from documents.models import Document, DocumentType
from groups import seed_peru as seed
from groups.models import Activity, Country, Membership, Objective, Organization, Pillar, WorkingGroup

CREATED, UPDATED, KEPT = "created", "updated", "kept"


class Command(BaseCommand):
    help = (
        "Load the Peru ICWGs page (groups/seed_peru.py) in Spanish and English: pillars, document types, the "
        "country, the Lima and Cusco groups with their objectives and activities, organizations, "
        "memberships, contacts and documents. Only missing records are created; existing ones, which staff "
        "may have edited, are kept as they are unless --reset is given. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Rewrite the seed records to the seed text, undoing staff edits to them. Records that are "
                "not in the seed, and uploaded files or images, are left alone."
            ),
        )

    def handle(self, *args, reset, **options):
        self.reset = reset
        self.counts = Counter()
        # Under the default language, the untranslated column behind each translated field (and with it the
        # organization name+acronym uniqueness check) holds the Spanish text, as modeltranslation expects.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
            self.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Peru content: {self.counts[CREATED]} records created, {self.counts[UPDATED]} updated, "
                f"{self.counts[KEPT]} kept."
            )
        )

    def load(self):
        pillars = {
            data["slug"]: self.sync(f"Pillar {data['name_en']}", Pillar, lookup_keys=("slug",), **data)
            for data in seed.PILLARS
        }
        document_types = {
            data["slug"]: self.sync(
                f"Document type {data['name_en']}", DocumentType, lookup_keys=("slug",), **data
            )
            for data in seed.DOCUMENT_TYPES
        }
        country = self.sync(
            f"Country {seed.COUNTRY['name_en']}", Country, lookup_keys=("iso_code",), **seed.COUNTRY
        )

        groups = {}
        for data in seed.WORKING_GROUPS:
            label = data["fields"]["location_en"]
            group = self.sync(
                f"Working group {label}",
                WorkingGroup,
                lookup_keys=("country", "slug"),
                country=country,
                slug=data["slug"],
                **data["fields"],
            )
            groups[data["slug"]] = group
            for order, objective in enumerate(data["objectives"], start=1):
                self.sync(
                    f"Objective {label} {order}",
                    Objective,
                    lookup_keys=("group", "order"),
                    group=group,
                    order=order,
                    **objective,
                )
            for order, activity in enumerate(data["activities"], start=1):
                self.sync(
                    f"Activity {label} {order} ({activity['kind']})",
                    Activity,
                    lookup_keys=("group", "order"),
                    group=group,
                    order=order,
                    **activity,
                )

        organizations = {
            key: self.sync(
                f"Organization {data['acronym'] or data['name_es']}",
                Organization,
                lookup_keys=("name_es", "acronym"),
                **data,
            )
            for key, data in seed.ORGANIZATIONS.items()
        }
        for data in seed.MEMBERSHIPS:
            group, organization, pillar = (
                groups[data["group"]],
                organizations[data["organization"]],
                pillars[data["pillar"]],
            )
            self.sync(
                f"Membership {organization.acronym or organization.name_es} in {group.location_en} "
                f"({pillar.name_en})",
                Membership,
                lookup_keys=("group", "organization", "pillar"),
                **{**data, "group": group, "organization": organization, "pillar": pillar},
            )
        for data in seed.CONTACTS:
            self.sync(
                f"Contact {data['person']} ({groups[data['group']].location_en})",
                Contact,
                lookup_keys=("group", "person"),
                **{
                    **data,
                    "group": groups[data["group"]],
                    "organization": organizations[data["organization"]],
                },
            )
        for data in seed.DOCUMENTS:
            fields = {**data, "document_type": document_types[data["document_type"]]}
            linked_groups = [groups[slug] for slug in fields.pop("groups")]
            self.sync(
                f"Document {data['slug']}",
                Document,
                lookup_keys=("slug",),
                links={"groups": linked_groups},
                **fields,
            )

    def sync(self, label, model, *, lookup_keys, links=None, **fields):
        """Create the record if its natural key is missing; with --reset, rewrite what differs from the seed.

        ``links`` maps a many-to-many field to the seed's targets: set on creation; with --reset, missing
        targets are added (links staff added are kept). Returns the record.
        """
        lookup = {name: fields.pop(name) for name in lookup_keys}
        record = model.objects.filter(**lookup).first()
        if record is None:
            record = model(**lookup, **fields)
            outcome = CREATED
        else:
            outcome = KEPT
            if self.reset:
                changed = {name: value for name, value in fields.items() if getattr(record, name) != value}
                for name, value in changed.items():
                    setattr(record, name, value)
                if changed:
                    outcome = UPDATED
        if outcome != KEPT:
            record.full_clean()
            record.save()
        for name, targets in (links or {}).items():
            manager = getattr(record, name)
            if outcome == CREATED:
                manager.set(targets)
            elif self.reset:
                missing = set(targets) - set(manager.all())
                if missing:
                    manager.add(*missing)
                    outcome = UPDATED
        self.counts[outcome] += 1
        self.stdout.write(f"{label} … {outcome}")
        return record
