"""The labels of fixed vocabularies (``TextChoices``), translated once per language rather than at every use.

Django's ``get_FOO_display()`` rebuilds a dictionary of the field's choices on every call, translating every
label to hash it: a dozen catalogue lookups for one badge, 250 on a group's page listing ten documents.
Labels cannot change while the process runs (a new translation needs a restart), so a model names
``get_FOO_display = display_of("foo", Foo)`` and each call is a dictionary lookup. Django keeps a
``get_FOO_display`` the model defines itself.
"""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, override


@cache
def _labels_in(choices, language):
    with override(language):
        return {value: str(label) for value, label in choices.choices}


@receiver(setting_changed)
def _forget_labels(setting, **kwargs):
    # As Django forgets its catalogues when a test changes the languages or where translations are.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _labels_in.cache_clear()


def labels(choices):
    """``choices``' values and their labels in the active language."""
    return _labels_in(choices, get_language())


def display_of(field_name, choices):
    """A ``get_<field_name>_display()``: the label of the field's value, or the value when it has none."""

    def get_display(self):
        value = getattr(self, field_name)
        return labels(choices).get(value, value)

    get_display.__name__ = f"get_{field_name}_display"
    return get_display
