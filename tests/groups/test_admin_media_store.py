"""Saving a group's or a country's page with a new image while the media store refuses files (read-only or
full, for real: see tests/failing_media.py): the form comes back with what was typed, and nothing is saved."""

import io
import logging
import random

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image
from reversion.models import Version

from groups.models import WorkingGroup
from icwg_portal.media_store import REFUSED_MESSAGE
from tests import factories

pytestmark = pytest.mark.django_db

TYPED_VISION = "Una visión escrita mientras el almacenamiento no aceptaba archivos."


def noisy_photo(name="nueva.png"):
    """A PNG that stays far larger than the space left once re-encoded: noise does not compress."""
    pixels = random.Random(name).randbytes(160 * 120 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (160, 120), pixels).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def refused_message(language):
    with translation.override(language):
        return str(REFUSED_MESSAGE)


def failing(store, how):
    return store.read_only() if how == "read-only" else store.full(free=4096)


def with_stored_image(make, folder):
    record = make()
    name = default_storage.save(f"{folder}/antes.png", ContentFile(noisy_photo().read()))
    type(record).objects.filter(pk=record.pk).update(image=name)
    record.refresh_from_db()
    return record


def group_form(group, **fields):
    """The group's page as posted, with none of its inlines' rows."""
    inlines = {
        f"{prefix}-{name}": value
        for prefix in ("objectives", "activities", "memberships", "contacts")
        for name, value in (
            ("TOTAL_FORMS", 0),
            ("INITIAL_FORMS", 0),
            ("MIN_NUM_FORMS", 0),
            ("MAX_NUM_FORMS", 1000),
        )
    }
    return {
        "country": group.country_id,
        "name_es": group.name_es,
        "name_en": group.name_en,
        "slug": group.slug,
        "location_es": group.location_es,
        "location_en": group.location_en,
        "kind": group.kind,
        "status": group.status,
        "order": group.order,
        "vision_es": group.vision_es,
        "vision_en": group.vision_en,
        "image_alt_es": "Reunión del grupo",
        **inlines,
        **fields,
    }


def refusal_logged(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "icwg_portal.media_store" and record.levelno == logging.ERROR and record.exc_info
    ]


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("how", ["read-only", "full"])
def test_a_group_saved_while_the_store_refuses_files_comes_back_with_what_was_typed(
    superuser_client, failing_media, caplog, language, how
):
    group = with_stored_image(factories.make_group, "groups")
    url = f"/admin/groups/workinggroup/{group.pk}/change/"
    files, versions = failing_media.files(), Version.objects.count()

    with failing(failing_media, how), caplog.at_level(logging.ERROR):
        response = superuser_client.post(
            url, group_form(group, vision_es=TYPED_VISION, image=noisy_photo()), HTTP_ACCEPT_LANGUAGE=language
        )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [refused_message(language)]
    assert escape(refused_message(language)) in response.content.decode()
    assert language == "en" or refused_message("es") != refused_message("en")
    # What the staff member typed is still in the form; the image must be chosen again.
    assert form["vision_es"].value() == TYPED_VISION
    assert TYPED_VISION in response.content.decode()
    # Nothing saved: not the text, not the image, not a line of history.
    saved = WorkingGroup.objects.get(pk=group.pk)
    assert (saved.vision_es, saved.image.name, saved.updated_at) == (
        group.vision_es,
        group.image.name,
        group.updated_at,
    )
    assert failing_media.files() == files
    assert Version.objects.count() == versions and not LogEntry.objects.exists()
    assert refusal_logged(caplog), "operators learn of it from the log"

    # Once the store takes files again, the same page saves.
    response = superuser_client.post(url, group_form(group, vision_es=TYPED_VISION, image=noisy_photo()))
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.vision_es == TYPED_VISION and saved.image.name != group.image.name
    assert saved.image.name in failing_media.files() and group.image.name in failing_media.files()


def test_a_new_group_is_not_created_when_its_image_cannot_be_stored(superuser_client, failing_media):
    country = factories.make_country()
    group = WorkingGroup(
        country=country, name_es="Grupo de Piura", name_en="Piura group", slug="piura", location_es="Piura"
    )
    group.location_en, group.vision_es, group.vision_en = "Piura", TYPED_VISION, ""
    with failing_media.read_only():
        response = superuser_client.post(
            "/admin/groups/workinggroup/add/",
            group_form(group, image=noisy_photo()),
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [refused_message("es")]
    assert response.context["adminform"].form["name_es"].value() == "Grupo de Piura"
    assert not WorkingGroup.objects.exists() and failing_media.files() == []


def test_a_country_saved_while_the_store_is_full_keeps_its_image_and_text(superuser_client, failing_media):
    country = with_stored_image(factories.make_country, "countries")
    files = failing_media.files()
    data = {
        "name_es": country.name_es,
        "name_en": country.name_en,
        "slug": country.slug,
        "iso_code": country.iso_code,
        "vpi_status": country.vpi_status,
        "introduction_es": "Una introducción nueva.",
        "introduction_en": country.introduction_en,
        "image": noisy_photo(),
        "working_groups-TOTAL_FORMS": 0,
        "working_groups-INITIAL_FORMS": 0,
        "working_groups-MIN_NUM_FORMS": 0,
        "working_groups-MAX_NUM_FORMS": 1000,
    }
    with failing_media.full(free=4096):
        response = superuser_client.post(f"/admin/groups/country/{country.pk}/change/", data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [refused_message("en")]
    assert form["introduction_es"].value() == "Una introducción nueva."
    saved = type(country).objects.get(pk=country.pk)
    assert (saved.introduction_es, saved.image.name) == (country.introduction_es, country.image.name)
    assert failing_media.files() == files


def test_reverting_a_group_with_a_new_image_while_the_store_is_read_only_reverts_nothing(
    superuser_client, failing_media
):
    group = factories.make_group(vision_es="La visión de antes.")
    with reversion.create_revision():
        group.save()
    version = Version.objects.get_for_object(group).get()
    WorkingGroup.objects.filter(pk=group.pk).update(vision_es="La visión de ahora.")
    url = f"/admin/groups/workinggroup/{group.pk}/history/{version.pk}/"
    assert superuser_client.get(url).status_code == 200

    with failing_media.read_only():
        response = superuser_client.post(
            url, group_form(group, image=noisy_photo()), HTTP_ACCEPT_LANGUAGE="es"
        )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [refused_message("es")]
    group.refresh_from_db()
    assert group.vision_es == "La visión de ahora." and not group.image
    assert Version.objects.get_for_object(group).count() == 1
    assert failing_media.files() == []
