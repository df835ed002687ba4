"""Choice labels translated once per language (icwg_portal/choices.py): the same as Django's own
get_FOO_display() gives, in the visitor's language."""

from django.utils import translation

from contacts.models import Contact
from documents.models import Document, DocumentFile
from groups.models import Activity, Country, Membership, WorkingGroup

DISPLAYS = [
    (WorkingGroup, "kind"),
    (Activity, "kind"),
    (Membership, "role"),
    (Contact, "role"),
    (Country, "vpi_status"),
    (Document, "language"),
    (DocumentFile, "language"),
    (DocumentFile, "kind"),
]


def test_every_label_in_both_languages_is_djangos_own():
    for model, name in DISPLAYS:
        field = model._meta.get_field(name)
        for language in ("es", "en"):
            with translation.override(language):
                for value, label in field.choices:
                    shown = getattr(model(**{name: value}), f"get_{name}_display")()
                    assert shown == str(label), (model, name, value, language)


def test_a_value_without_a_label_is_shown_as_it_is():
    assert Activity(kind="retired-kind").get_kind_display() == "retired-kind"


def test_labels_follow_a_change_of_translations(settings):
    with translation.override("es"):
        assert Activity(kind="training").get_kind_display() == "Capacitación"
    settings.LOCALE_PATHS = []  # the portal's own catalogue gone: its labels are in English again
    with translation.override("es"):
        assert Activity(kind="training").get_kind_display() == "Training"
