"""The Spanish interface catalogue is complete, and the compiled catalogue the portal loads matches it."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def translated_entries(catalogue):
    return {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in catalogue}


def test_every_interface_string_has_a_spanish_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (not shown to readers): {fuzzy}"


def test_compiled_catalogue_is_up_to_date_with_the_po_file():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    expected = translated_entries(e for e in po if e.translated() and not e.obsolete)
    compiled = translated_entries(e for e in mo if e.msgid)
    assert compiled == expected, "run `make messages` (or scripts/compile-messages) and commit django.mo"


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}|%[sd]")
    po = polib.pofile(str(CATALOGUE / "django.po"))
    for entry in po.translated_entries():
        if entry.msgstr:
            assert sorted(placeholder.findall(entry.msgid)) == sorted(placeholder.findall(entry.msgstr)), (
                entry.msgid
            )
