"""A group's or a country's image, replaced, cleared or deleted with its record: the old file leaves the media
store once the save commits, unless a version in the history still refers to it, so that going back to that
version (or recovering the record) shows the image again (icwg_portal/media_store.py). Real files on disk."""

import pytest
from django.core.files.storage import default_storage

from groups.models import Country, WorkingGroup
from tests import factories
from tests.groups.test_admin_media_store import group_form, noisy_photo, with_stored_image
from tests.groups.test_history import deleted_version, recover, revert, url, versions_of
from tests.groups.test_roles import form_data

pytestmark = pytest.mark.django_db


def on_disk(name):
    return default_storage.exists(name)


@pytest.fixture
def save(superuser_client, django_capture_on_commit_callbacks):
    """Post a page as the secretariat would, running what waits for the commit."""

    def post(page_url, data, expect=302):
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(page_url, data)
        assert response.status_code == expect, response.context and response.context["errors"]
        return response

    return post


def test_a_replaced_group_image_stays_only_while_a_version_refers_to_it(superuser_client, save):
    group = with_stored_image(factories.make_group, "groups")
    first = group.image.name  # stored outside the back office: no version refers to it

    save(url(group), group_form(group, image=noisy_photo("segunda.png")))
    group.refresh_from_db()
    second = group.image.name
    assert on_disk(second) and not on_disk(first)

    save(url(group), group_form(group, image=noisy_photo("tercera.png")))
    group.refresh_from_db()
    third = group.image.name
    # The version of the second save refers to its image: it stays for the history.
    assert on_disk(second) and on_disk(third)

    revert(superuser_client, group, versions_of(group)[1])
    group.refresh_from_db()
    assert group.image.name == second
    assert superuser_client.get(f"/{group.image.url.lstrip('/')}").status_code == 200
    assert on_disk(third)  # the latest version still shows it


def test_a_cleared_image_leaves_the_store(save):
    group = with_stored_image(factories.make_group, "groups")
    name = group.image.name
    save(url(group), group_form(group, **{"image-clear": "on"}))
    group.refresh_from_db()
    assert not group.image and not on_disk(name)


def test_a_deleted_groups_image_stays_for_its_recovery(superuser_client, save):
    group = with_stored_image(factories.make_group, "groups")
    save(url(group), group_form(group, image=noisy_photo("logo.png")))
    group.refresh_from_db()
    name = group.image.name

    save(url(group, "delete"), {"post": "yes"})
    assert not WorkingGroup.objects.exists() and on_disk(name)

    recover(superuser_client, WorkingGroup, deleted_version(WorkingGroup, group.pk))
    assert WorkingGroup.objects.get().image.name == name and on_disk(name)


def test_a_replaced_country_image_leaves_the_store(superuser_client, save):
    country = with_stored_image(factories.make_country, "countries")
    first = country.image.name
    page = superuser_client.get(url(country))
    save(url(country), {**form_data(page), "image": noisy_photo("mapa.png")})
    country.refresh_from_db()
    assert country.image.name != first and on_disk(country.image.name)
    assert not on_disk(first)


def test_nothing_leaves_the_store_when_the_save_fails(superuser_client, save):
    country = with_stored_image(factories.make_country, "countries")
    first = country.image.name
    page = superuser_client.get(url(country))
    save(url(country), {**form_data(page), "iso_code": "no", "image": noisy_photo("mapa.png")}, expect=200)
    assert Country.objects.get().image.name == first and on_disk(first)
