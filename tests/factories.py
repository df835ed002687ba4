"""Small helpers that make valid records with sensible defaults, in Spanish and English.

Each takes keyword arguments that override the defaults, saves the record and returns it. Related records a
helper needs (a group's country, a membership's organization…) are made on the way unless given.
"""

import itertools
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from contacts.models import Contact
from documents.models import Document, DocumentType
from groups import roles
from groups.models import Activity, Country, Membership, Objective, Organization, Pillar, WorkingGroup

PASSWORD = "a-long-test-password-1234"  # noqa: S105

# What a staff member who maintains the groups' pages holds (not a superuser).
GROUP_EDITOR_PERMISSIONS = (
    # Every group's pages, as the secretariat: without it, staff edit only the groups they coordinate.
    "groups.edit_all_groups",
    "groups.view_country",
    "groups.view_organization",
    "groups.view_pillar",
    "documents.view_document",
    *(
        f"{app}.{action}_{model}"
        for app, model in [
            ("groups", "workinggroup"),
            ("groups", "objective"),
            ("groups", "activity"),
            ("groups", "membership"),
            ("contacts", "contact"),
        ]
        for action in ("view", "add", "change", "delete")
    ),
)

_sequence = itertools.count(1)
# From ZZ down: codes far from the real ones tests choose themselves (PE, CO…).
ISO_CODES = [a + b for a in reversed(string.ascii_uppercase) for b in reversed(string.ascii_uppercase)]


def _next():
    return next(_sequence)


def _free_iso_code():
    taken = set(Country.objects.values_list("iso_code", flat=True))
    return next(code for code in ISO_CODES if code not in taken)


def _create(model, fields):
    # modeltranslation expects the untranslated column behind a translated field to hold the default language.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return model.objects.create(**fields)


def make_country(**fields):
    number = _next()
    defaults = {
        "name_es": f"País {number}",
        "name_en": f"Country {number}",
        "slug": f"country-{number}",
        "introduction_es": "Introducción al país.",
        "introduction_en": "Introduction to the country.",
    }
    fields = {**defaults, **fields}
    fields.setdefault("iso_code", _free_iso_code())
    return _create(Country, fields)


def make_pillar(**fields):
    number = _next()
    defaults = {
        "name_es": f"Pilar {number}",
        "name_en": f"Pillar {number}",
        "slug": f"pillar-{number}",
        "order": number,
    }
    return _create(Pillar, {**defaults, **fields})


def make_organization(**fields):
    number = _next()
    defaults = {
        "name_es": f"Organización {number}",
        "name_en": f"Organization {number}",
        "acronym": f"ORG{number}",
        "kind": Organization.Kind.NGO,
    }
    return _create(Organization, {**defaults, **fields})


def make_group(**fields):
    number = _next()
    defaults = {
        "name_es": f"Grupo de Trabajo {number}",
        "name_en": f"Working Group {number}",
        "slug": f"group-{number}",
        "location_es": f"Ciudad {number}",
        "location_en": f"City {number}",
        "vision_es": "Una visión compartida.",
        "vision_en": "A shared vision.",
        "status": "published",
    }
    fields = {**defaults, **fields}
    if "country" not in fields:
        fields["country"] = make_country()
    return _create(WorkingGroup, fields)


def make_objective(**fields):
    number = _next()
    defaults = {"text_es": f"Objetivo {number}", "text_en": f"Objective {number}", "order": number}
    fields = {**defaults, **fields}
    if "group" not in fields:
        fields["group"] = make_group()
    return _create(Objective, fields)


def make_activity(**fields):
    number = _next()
    defaults = {
        "title_es": f"Actividad {number}",
        "title_en": f"Activity {number}",
        "description_es": "Descripción de la actividad.",
        "description_en": "Description of the activity.",
        "kind": Activity.Kind.TRAINING,
        "order": number,
    }
    fields = {**defaults, **fields}
    if "group" not in fields:
        fields["group"] = make_group()
    return _create(Activity, fields)


def make_membership(**fields):
    defaults = {"role": Membership.Role.MEMBER}
    fields = {**defaults, **fields}
    if "group" not in fields:
        fields["group"] = make_group()
    if "organization" not in fields:
        fields["organization"] = make_organization()
    if "pillar" not in fields and fields["role"] != Membership.Role.OBSERVER:
        fields["pillar"] = make_pillar()
    return _create(Membership, fields)


def make_document_type(**fields):
    number = _next()
    defaults = {
        "name_es": f"Tipo de documento {number}",
        "name_en": f"Document type {number}",
        "slug": f"document-type-{number}",
        "order": number,
    }
    return _create(DocumentType, {**defaults, **fields})


def make_document(groups=(), **fields):
    number = _next()
    defaults = {
        "title_es": f"Documento {number}",
        "title_en": f"Document {number}",
        "slug": f"document-{number}",
        "summary_es": "Resumen del documento.",
        "summary_en": "Summary of the document.",
        "external_url": f"https://example.org/documents/{number}.pdf",
        "status": "published",
    }
    fields = {**defaults, **fields}
    if "document_type" not in fields:
        fields["document_type"] = make_document_type()
    document = _create(Document, fields)
    if groups:
        document.groups.set(groups)
    return document


def make_contact(**fields):
    number = _next()
    defaults = {
        "person": f"Persona {number}",
        "role": Contact.Role.CONTACT,
        "emails": f"persona{number}@example.org",
    }
    fields = {**defaults, **fields}
    if "group" not in fields:
        fields["group"] = make_group()
    return _create(Contact, fields)


def make_user(**fields):
    number = _next()
    defaults = {"username": f"user{number}", "email": f"user{number}@example.org"}
    fields = {**defaults, **fields}
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    return user


def make_superuser(**fields):
    return make_user(is_staff=True, is_superuser=True, **fields)


def make_staff_user(permissions=(), **fields):
    """A staff member (not a superuser) holding ``permissions``, given as "app_label.codename"."""
    user = make_user(is_staff=True, **fields)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_secretariat_user(**fields):
    """A staff member in the "Secretariat" role (groups/roles.py), which every migrated database has."""
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    return user


def make_coordinator(groups=(), **fields):
    """A staff member in the "Group coordinators" role, coordinating ``groups``."""
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=roles.GROUP_COORDINATORS))
    user.coordinated_groups.set(groups)
    return user
