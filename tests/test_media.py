"""Uploaded images reach visitors through /media/ while a record shows them; drafts' files stay private."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from tests import factories
from tests.documents.samples import make_document_file, png_bytes

pytestmark = pytest.mark.django_db


def group_with_image(**fields):
    group = factories.make_group(**fields)
    group.image.save("cusco.png", ContentFile(png_bytes()), save=True)
    return group


def get(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_a_published_groups_image_is_served_cacheable_and_inert():
    group = group_with_image()
    response, body = get(Client(), group.image.url)
    assert response.status_code == 200 and body == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    again = Client().get(group.image.url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_draft_groups_image_is_seen_only_by_those_who_may_preview_it():
    draft = group_with_image(status="draft")
    other = factories.make_group()
    assert Client().get(draft.image.url).status_code == 404

    own_coordinator, other_coordinator = Client(), Client()
    own_coordinator.force_login(factories.make_coordinator(groups=[draft]))
    other_coordinator.force_login(factories.make_coordinator(groups=[other]))
    response, body = get(own_coordinator, draft.image.url)
    assert response.status_code == 200 and body == png_bytes()
    assert response["Cache-Control"] == "private, no-store" and "Cookie" in response["Vary"]
    assert other_coordinator.get(draft.image.url).status_code == 404


def test_files_no_record_shows_are_not_served():
    group = group_with_image()
    old_name = group.image.name
    group.image.save("new.png", ContentFile(png_bytes(color=(200, 0, 0))), save=True)
    assert default_storage.exists(old_name)  # still on disk …
    assert Client().get(f"/media/{old_name}").status_code == 404  # … but no page shows it
    default_storage.save("elsewhere/secret.png", ContentFile(b"x"))
    for path in ("/media/elsewhere/secret.png", "/media/groups/../elsewhere/secret.png", "/media/groups/%00"):
        assert Client().get(path).status_code == 404, path


def test_document_files_are_never_served_as_media_and_covers_follow_their_document():
    published = make_document_file(document=factories.make_document())
    draft = make_document_file(document=factories.make_document(status="draft"))
    assert published.cover and draft.cover
    assert Client().get(f"/media/{published.file.name}").status_code == 404
    response, body = get(Client(), published.cover.url)
    assert response.status_code == 200 and body[:3] in (b"\xff\xd8\xff", b"\x89PN")
    assert Client().get(draft.cover.url).status_code == 404
    secretariat = Client()
    secretariat.force_login(factories.make_secretariat_user())
    assert secretariat.get(draft.cover.url).status_code == 200


def test_behind_nginx_the_app_decides_and_nginx_sends_the_bytes(settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected-media/"
    group = group_with_image()
    response = Client().get(group.image.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_protected-media/{group.image.name}"
    assert response["Cache-Control"] == "public, max-age=86400"
    draft = group_with_image(status="draft")
    assert "X-Accel-Redirect" not in Client().get(draft.image.url)
