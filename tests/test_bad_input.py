"""Bad input in the back office gets an answer a person understands: never a 500, never a bare error page."""

import io
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from PIL import Image

from groups.models import WorkingGroup
from tests import factories
from tests.admin_pages import form_fields
from tests.gunicorn_servers import ROOT

pytestmark = pytest.mark.django_db


# --- Signing in -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [256, 10_000])
def test_an_overlong_user_name_is_a_wrong_user_name_not_a_server_error(length):
    response = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "a" * length, "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Por favor introduzca el nombre de usuario y la clave correctos" in body
    # The attempt still counts towards the lockout, under the name cut to fit django-axes' records.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"a" * 255}


def test_signing_in_after_a_refused_next_address_lands_in_the_back_office():
    user = factories.make_superuser()
    client = Client()
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": user.username, "password": factories.PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


def test_the_back_office_after_sign_in_is_where_the_operator_put_it():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(ADMIN_URL="back-office-7f3c", DEBUG="true")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; from django.shortcuts import resolve_url; "
            "print(resolve_url(settings.LOGIN_REDIRECT_URL))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "/back-office-7f3c/", result.stderr


# --- Uploads ------------------------------------------------------------------------------------------------


def small_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


class ChosenFile(io.BytesIO):
    """A file as a browser sends it, under any name (Django's SimpleUploadedFile would cut it to 255)."""

    def __init__(self, name, content):
        super().__init__(content)
        self.name, self.content_type = name, "image/jpeg"


def post_group_form(client, group, file_name, content=None, **changes):
    """Open the group's change page as a browser would, change ``changes``, choose an image named
    ``file_name`` and send the form. The file comes first, so every field after it depends on its part being
    read."""
    url = f"/admin/groups/workinggroup/{group.pk}/change/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    data = {"image": ChosenFile(file_name, content or small_jpeg())}
    for name, value in form_fields(page.content.decode(), "workinggroup_form"):
        data.setdefault(name, []).append(changes.get(name, value))
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="es")


@pytest.mark.parametrize("length", [150, 5_000])
def test_an_overlong_file_name_is_a_form_error_and_keeps_what_was_typed(superuser_client, length):
    group = factories.make_group()
    typed = "Una visión editada antes de elegir la imagen."
    response = post_group_form(superuser_client, group, "f" * (length - 4) + ".jpg", vision_es=typed)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["image"]
    assert errors["image"][0].startswith("Asegúrese de que este nombre de archivo tenga como máximo 100")
    assert typed in response.content.decode()  # what was typed is on the page again
    group.refresh_from_db()
    assert group.vision_es != typed and not group.image
    assert not (settings.MEDIA_ROOT / "groups").exists()


@pytest.mark.parametrize("spooled_to_disk", [False, True])
def test_a_long_file_name_within_the_limit_is_stored_under_a_name_that_fits(
    superuser_client, settings, spooled_to_disk
):
    if spooled_to_disk:  # as an upload over FILE_UPLOAD_MAX_MEMORY_SIZE is
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    group = factories.make_group()
    response = post_group_form(superuser_client, group, "f" * 96 + ".jpg")

    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    field = WorkingGroup._meta.get_field("image")
    assert group.image.name.startswith("groups/") and group.image.name.endswith(".jpg")
    assert len(group.image.name) <= field.max_length
    assert (settings.MEDIA_ROOT / group.image.name).is_file()


def test_a_large_upload_with_an_overlong_extension_is_a_form_error(superuser_client, settings):
    # Files over FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file named after the extension.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    group = factories.make_group()
    response = post_group_form(superuser_client, group, "photo." + "j" * 300, content=small_jpeg() * 10)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["image"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/groups/workinggroup/?status__exact=%00",
        "/admin/groups/country/?slug=%00",
        "/admin/documents/document/?language__exact=%00",
        "/admin/contacts/contact/?role__exact=%00",
        "/admin/groups/organization/?name_es__startswith=%00",
    ],
)
def test_a_nul_in_a_back_office_filter_is_a_400_page_never_a_500(superuser_client, path):
    response = superuser_client.get(path, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "No se pudo entender esta solicitud" in response.content.decode()
